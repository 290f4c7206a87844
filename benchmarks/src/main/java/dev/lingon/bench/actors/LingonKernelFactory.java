package dev.lingon.bench.actors;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.Config;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Each system runs as a Lingon domain: a fresh in-process hypervisor, one domain with as many vCPUs as
 * the host has cores, its kernel scheduler for every dispatcher. Everything is torn down when the
 * system has terminated.
 */
final class LingonKernelFactory implements ActorSystemFactory {
    static final String NAME = "lingon-kernel";
    private final int vcpus;

    LingonKernelFactory(int vcpus) {
        this.vcpus = vcpus;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public <T> ActorSystem<T> create(Behavior<T> guardian, String systemName, Config harnessConfig) {
        Hypervisor hv = Hypervisors.inProcess();
        XenDomain domain = hv.domain(hv.createDomain(DomainConfig.named(systemName).withVcpus(vcpus)).orThrow()).orElseThrow();
        DomainKernel kernel = Kernels.start(domain, KernelConfig.vcpus(vcpus));
        try {
            ActorSystem<T> system = Kernels.actorSystem(kernel, guardian, systemName, harnessConfig);
            system.getWhenTerminated().whenComplete((done, failure) -> {
                kernel.close();
                hv.close();
            });
            return system;
        } catch (RuntimeException e) {
            kernel.close();
            hv.close();
            throw e;
        }
    }
}
