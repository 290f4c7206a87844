package dev.lingon.kernel.dom0;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.ShutdownReason;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The toolstack above the root supervisor: boot, destroy, and what each on_crash action does. */
class ToolstackTest {
    @TempDir
    Path cores;
    Hypervisor hv;
    Toolstack ts;
    final AtomicLong seconds = new AtomicLong(1000);

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        ts = new Toolstack(hv, ctx -> List.of(), null, cores, () -> seconds.get() * 1_000_000_000L);
    }

    @AfterEach
    void down() {
        ts.close();
        hv.close();
    }

    DomainSpec spec(String name, DomainAction onCrash) {
        return DomainSpec.of(name, TestApps.Fragile.class).withPolicy(DomainRestartPolicy.defaults().withOnCrash(onCrash));
    }

    Optional<DomainStatus> row(String name) {
        return ts.list().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    DomainHandle handleOf(String name) {
        return ts.booted(name).orElseThrow().handle();
    }

    @Test
    void createBootsTheDomainAndListShowsIt() {
        DomainStatus s = ts.create(spec("web", DomainAction.DESTROY));
        assertEquals("web", s.name());
        assertTrue(s.domid() > 0);
        assertEquals(List.of("Domain-0", "web"), ts.list().stream().map(DomainStatus::name).toList());
        assertTrue(ts.booted("web").orElseThrow().bootNanos() > 0);
        assertEquals(String.valueOf(s.domid()), hv.dom0().store().read(Toolstack.NAME_INDEX + "/web").orThrow(), "published in the name index");
    }

    @Test
    void namesAreUnique() {
        ts.create(spec("web", DomainAction.DESTROY));
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ts.create(spec("web", DomainAction.DESTROY)));
        assertEquals(Dom0Exception.Kind.ALREADY_EXISTS, e.kind());
    }

    @Test
    void anApplicationThatCannotBeBuiltIsABadConfig() {
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ts.create(DomainSpec.of("x", TestApps.NoConstructor.class)));
        assertEquals(Dom0Exception.Kind.BAD_CONFIG, e.kind());
        assertTrue(e.getMessage().contains("no-argument constructor"), e.getMessage());
        Dom0Exception e2 = assertThrows(Dom0Exception.class, () -> ts.create(new DomainSpec("y", 1, 64, "no.such.App",
                DomainRestartPolicy.defaults(), DomainSpec.Backend.INPROC, java.util.Map.of(), "y.cfg")));
        assertTrue(e2.getMessage().startsWith("y.cfg: "), e2.getMessage());
    }

    @Test
    void aDomainThatCannotBootCrashes() {
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ts.create(DomainSpec.of("broken", TestApps.Broken.class)));
        assertEquals(Dom0Exception.Kind.FAILED, e.kind());
        await().atMost(Duration.ofSeconds(10)).until(() -> row("broken").isEmpty());
    }

    @Test
    void destroyEndsTheDomain() {
        ts.create(spec("web", DomainAction.DESTROY));
        DomainHandle h = handleOf("web");
        ts.destroy("web");
        assertTrue(hv.domain(h).isEmpty());
        assertTrue(row("web").isEmpty());
        assertEquals(dev.lingon.xen.api.Errno.ENOENT, hv.dom0().store().read(Toolstack.NAME_INDEX + "/web").errno());
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ts.destroy("web"));
        assertEquals(Dom0Exception.Kind.UNKNOWN_DOMAIN, e.kind());
    }

    @Test
    void onCrashDestroyRemovesACrashedDomain() {
        ts.create(spec("web", DomainAction.DESTROY));
        DomainHandle h = handleOf("web");
        hv.shutdown(h, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(10)).until(() -> hv.domain(h).isEmpty() && row("web").isEmpty());
    }

    @Test
    void onCrashRestartBringsItBackWithANewDomidAndGeneration() {
        ts.create(spec("web", DomainAction.RESTART));
        DomainHandle first = handleOf("web");
        hv.shutdown(first, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(20)).until(() -> ts.booted("web").map(b -> !b.handle().equals(first)).orElse(false));
        DomainHandle second = handleOf("web");
        assertNotEquals(first.domid(), second.domid());
        assertTrue(second.generation() > first.generation());
        assertTrue(hv.domain(first).isEmpty(), "the crashed incarnation is gone");
        assertEquals(String.valueOf(second.domid()), hv.dom0().store().read(Toolstack.NAME_INDEX + "/web").orThrow());
    }

    @Test
    void aRootSupervisorThatGivesUpCrashesTheDomain() {
        ts.create(spec("web", DomainAction.RESTART));
        DomainHandle first = handleOf("web");
        // The worker's supervisor gives up at once; the root restarts it once, then gives up too.
        TestApps.WORKERS.get("web").tell("crash");
        await().atMost(Duration.ofSeconds(10)).until(() -> TestApps.WORKERS.get("web") != null);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            TestApps.WORKERS.get("web").tell("crash");
            return ts.booted("web").map(b -> !b.handle().equals(first)).orElse(false);
        });
        assertTrue(hv.domain(first).isEmpty());
    }

    @Test
    void onCrashPreserveLeavesTheCrashedDomainInPlace() {
        ts.create(spec("web", DomainAction.PRESERVE));
        DomainHandle h = handleOf("web");
        hv.shutdown(h, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(10)).until(() -> row("web").map(r -> r.state() == 'c').orElse(false));
        assertTrue(hv.domain(h).isEmpty() == false || hv.info(h).isPresent());
    }

    @Test
    void onCrashRenameRestartKeepsTheOldOneUnderAnotherName() {
        ts.create(spec("web", DomainAction.RENAME_RESTART));
        DomainHandle first = handleOf("web");
        hv.shutdown(first, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(20)).until(() -> ts.booted("web").map(b -> !b.handle().equals(first)).orElse(false));
        assertTrue(row("web-dom" + first.domid()).isPresent(), ts.list().toString());
        assertEquals('c', row("web-dom" + first.domid()).orElseThrow().state());
    }

    @Test
    void onCrashCoredumpDestroyWritesACoreThenDestroys() throws Exception {
        ts.create(spec("web", DomainAction.COREDUMP_DESTROY));
        DomainHandle h = handleOf("web");
        hv.shutdown(h, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(10)).until(() -> row("web").isEmpty());
        try (var files = Files.list(cores)) {
            List<Path> dumps = files.toList();
            assertEquals(1, dumps.size());
            String core = Files.readString(dumps.getFirst());
            assertTrue(core.contains("shutdown reason crash"), core);
            assertTrue(core.contains("scheduler"), core);
        }
    }

    @Test
    void onCrashCoredumpRestartWritesACoreThenRestarts() throws Exception {
        ts.create(spec("web", DomainAction.COREDUMP_RESTART));
        DomainHandle first = handleOf("web");
        hv.shutdown(first, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(20)).until(() -> ts.booted("web").map(b -> !b.handle().equals(first)).orElse(false));
        try (var files = Files.list(cores)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aCrashLoopingDomainIsLeftCrashedOnceItsRestartIntensityIsReached() {
        ts.create(spec("loop", DomainAction.RESTART).withPolicy(DomainRestartPolicy.defaults()
                .withOnCrash(DomainAction.RESTART).withIntensity(2, Duration.ofSeconds(60))));
        for (int i = 0; i < 2; i++) {
            DomainHandle h = handleOf("loop");
            hv.shutdown(h, ShutdownReason.CRASH);
            await().atMost(Duration.ofSeconds(20)).until(() -> ts.booted("loop").map(b -> !b.handle().equals(h)).orElse(false));
        }
        DomainHandle third = handleOf("loop");
        hv.shutdown(third, ShutdownReason.CRASH);
        await().atMost(Duration.ofSeconds(10)).until(() -> row("loop").map(r -> r.state() == 'c').orElse(false));
        assertEquals(third, handleOf("loop"), "the third crash within the window is not restarted");
    }

    @Test
    void pauseAndUnpause() {
        ts.create(spec("web", DomainAction.DESTROY));
        ts.pause("web");
        assertEquals('p', row("web").orElseThrow().state());
        ts.unpause("web");
        assertNotEquals('p', row("web").orElseThrow().state());
        assertEquals(Dom0Exception.Kind.UNKNOWN_DOMAIN, assertThrows(Dom0Exception.class, () -> ts.pause("nope")).kind());
    }

    @Test
    void domainsCanBeNamedByDomid() {
        DomainStatus s = ts.create(spec("web", DomainAction.DESTROY));
        ts.pause(String.valueOf(s.domid()));
        assertEquals('p', row("web").orElseThrow().state());
    }

    @Test
    void topReportsEachDomainsScheduler() {
        ts.create(spec("web", DomainAction.DESTROY));
        ts.top();
        var rows = ts.top();
        assertEquals(1, rows.size());
        assertEquals("web", rows.getFirst().name());
        assertEquals(1, rows.getFirst().vcpus());
    }

}
