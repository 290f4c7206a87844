package dev.lingon.kernel.dom0;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.ShutdownReason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A domain booted by dom0 with its real kernel services: console lines reach dom0, the store client
 * writes the domain's home, and control/shutdown powers off, reboots or suspends it with the
 * application stopped in reverse order first.
 */
class KernelServicesEndToEndTest {
    @TempDir
    Path cores;
    Dom0 dom0;

    @BeforeEach
    void start() {
        dom0 = Dom0.start(cores);
    }

    @AfterEach
    void stop() {
        dom0.close();
    }

    DomainSpec spec(String name) {
        return DomainSpec.of(name, DeviceApps.class).withPolicy(DomainRestartPolicy.defaults());
    }

    Optional<DomainStatus> row(String name) {
        return dom0.toolstack().list().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Test
    void consoleLinesReachDom0AndTheStoreWritesTheHome() throws Exception {
        DomainStatus s = dom0.toolstack().create(spec("svc"));
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AutoCloseable c = dom0.toolstack().console("svc", true, lines::add)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("hello from a in svc") && lines.contains("hello from b in svc"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() ->
                dom0.hypervisor().dom0().store().read("/local/domain/" + s.domid() + "/data/b").map(v -> v).isOk());
        assertEquals("up", dom0.hypervisor().dom0().store().read("/local/domain/" + s.domid() + "/data/a").orThrow());
    }

    @Test
    void shutdownStopsTheApplicationInReverseOrderThenPowersOffAndOnPoweroffDestroys() {
        DomainStatus s = dom0.toolstack().create(spec("off"));
        DomainHandle h = dom0.toolstack().booted("off").orElseThrow().handle();
        dom0.toolstack().shutdown("off");
        await().atMost(Duration.ofSeconds(20)).until(() -> row("off").isEmpty());
        assertTrue(dom0.hypervisor().domain(h).isEmpty());
        assertEquals(List.of("started a", "started b", "stopped b", "stopped a"), DeviceApps.events("off"));
        assertTrue(s.domid() > 0);
    }

    @Test
    void rebootRestartsTheDomainUnderANewDomid() {
        dom0.toolstack().create(spec("again"));
        DomainHandle first = dom0.toolstack().booted("again").orElseThrow().handle();
        dom0.toolstack().reboot("again");
        await().atMost(Duration.ofSeconds(20)).until(() ->
                dom0.toolstack().booted("again").map(b -> !b.handle().equals(first)).orElse(false));
        assertTrue(DeviceApps.events("again").containsAll(List.of("stopped b", "stopped a")));
    }

    @Test
    void suspendLeavesTheDomainSuspended() {
        DomainStatus s = dom0.toolstack().create(spec("sleepy"));
        dom0.hypervisor().dom0().store().write("/local/domain/" + s.domid() + "/control/shutdown", "suspend").orThrow();
        await().atMost(Duration.ofSeconds(20)).until(() -> row("sleepy").map(r -> r.state() == 's').orElse(false));
        DomainHandle h = dom0.toolstack().booted("sleepy").orElseThrow().handle();
        assertEquals(ShutdownReason.SUSPEND, dom0.hypervisor().info(h).orElseThrow().shutdownReason());
    }

    @Test
    void onRebootDestroyIsHonoured() {
        dom0.toolstack().create(spec("once").withPolicy(DomainRestartPolicy.defaults().withOnReboot(DomainAction.DESTROY)));
        dom0.toolstack().reboot("once");
        await().atMost(Duration.ofSeconds(20)).until(() -> row("once").isEmpty());
    }

    @Test
    void theConsoleKeepsItsLinesForALaterReader() throws Exception {
        dom0.toolstack().create(spec("later"));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<String> seen = new CopyOnWriteArrayList<>();
            try (AutoCloseable c = dom0.toolstack().console("later", false, seen::add)) {
                return seen.contains("hello from a in later");
            }
        });
    }
}
