package dev.lingon.scheduler.kernel;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

import java.time.Duration;

/** A hypervisor, a domain, its kernel and an actor system on it, torn down in order. */
final class KernelTestSupport implements AutoCloseable {
    final Hypervisor hv = Hypervisors.inProcess();
    final XenDomain domain;
    final DomainKernel kernel;

    KernelTestSupport(String name, KernelConfig config) {
        domain = hv.domain(hv.createDomain(DomainConfig.named(name).withVcpus(Math.max(2, config.vcpus()))).orThrow()).orElseThrow();
        kernel = Kernels.start(domain, config);
    }

    <T> ActorSystem<T> system(Behavior<T> guardian) {
        return Kernels.actorSystem(kernel, guardian, domain.name(), ConfigFactory.parseString(
                "pekko.loglevel = WARNING\npekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                        + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\""));
    }

    static void terminate(ActorSystem<?> system) {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().orTimeout(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        kernel.close();
        hv.close();
    }
}
