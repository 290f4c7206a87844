package dev.lingon.scheduler.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

/** Terminating a domain's actor system ends every vCPU thread; nothing is left behind. */
class KernelShutdownTest {

    static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).toList();
    }

    @Test
    void terminatingTheSystemEndsEveryVcpuThread() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            XenDomain d = hv.domain(hv.createDomain(DomainConfig.named("bye").withVcpus(3)).orThrow()).orElseThrow();
            ActorSystem<Object> system = Kernels.boot(d, KernelConfig.vcpus(3), Behaviors.empty(), "bye", ConfigFactory.empty());
            assertEquals(3, threadsNamed("lingon-bye-vcpu").size());
            system.terminate();
            await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed("lingon-bye-vcpu").isEmpty());
        }
    }

    @Test
    void aShutDownDomainStillLetsItsSystemTerminate() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            XenDomain d = hv.domain(hv.createDomain(DomainConfig.named("down").withVcpus(2)).orThrow()).orElseThrow();
            ActorSystem<Object> system = Kernels.boot(d, KernelConfig.vcpus(2), Behaviors.empty(), "down", ConfigFactory.empty());
            hv.shutdown(d.handle(), ShutdownReason.POWEROFF);
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(30)).until(() -> threadsNamed("lingon-down-vcpu").isEmpty());
        }
    }

    @Test
    void aKernelNeedsAsManyDomainVcpus() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            XenDomain d = hv.domain(hv.createDomain(DomainConfig.named("small")).orThrow()).orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kernels.start(d, KernelConfig.vcpus(4)));
            assertTrue(e.getMessage().contains("4 vCPUs"), e.getMessage());
        }
    }
}
