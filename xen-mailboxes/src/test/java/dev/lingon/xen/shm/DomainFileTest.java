package dev.lingon.xen.shm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Virq;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.DomainFile;
import dev.lingon.xen.internal.InProcessHypervisor;
import dev.lingon.xen.layout.DomainFileLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The shared-memory backend's domain files: where they are, how big, how long they live, and that a
 * second, independent mapping of a file (what another process sees) shows the pending bits and port
 * states the hypervisor writes and can wake the domain's blocked vCPUs through their doorbells.
 */
class DomainFileTest {
    static final int STORM = Integer.getInteger("lingon.stress.shmSends", 50_000);

    @TempDir
    Path base;

    ShmDirectory run;
    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void boot() {
        run = ShmDirectory.create(base);
        hv = Hypervisors.sharedMemory(run);
        a = hv.domain(hv.createDomain(DomainConfig.named("a").withVcpus(2)).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("b").withVcpus(2)).orThrow()).orElseThrow();
    }

    @AfterEach
    void down() {
        pool.shutdownNow();
        hv.close();
        run.close();
    }

    Path fileOf(DomainHandle h) {
        return ((InProcessHypervisor) hv).domainFile(h).orElseThrow(() -> new AssertionError("no file for " + h));
    }

    @Test
    void eachDomainHasAFileNamedForItsDomidAndGenerationAndSizedByTheLayout() throws IOException {
        DomainConfig cfg = DomainConfig.named("sized").withMaxPages(64).withMaxGrantFrames(4);
        DomainHandle h = hv.createDomain(cfg).orThrow();
        Path f = fileOf(h);
        assertEquals(run.path(), f.getParent());
        assertEquals(DomainFileLayout.fileName(h.domid(), h.generation()), f.getFileName().toString());
        assertEquals(DomainFileLayout.fileSize(4, 64), Files.size(f));
        assertTrue(Files.exists(fileOf(hv.dom0().handle())), "dom0's pages are in a file too");
        try (DomainFile other = DomainFile.open(f)) {
            assertEquals(h.domid(), other.domid(), "the header names the domain");
            assertEquals(h.generation(), other.generation());
            assertEquals(cfg.vcpus(), other.vcpus());
        }
    }

    @Test
    void aDestroyedDomainsFileIsGoneAndCloseRemovesTheRest() {
        Path fa = fileOf(a.handle());
        Path dom0 = fileOf(hv.dom0().handle());
        assertTrue(hv.destroy(a.handle()).isOk());
        assertFalse(Files.exists(fa), "a destroyed domain's file name goes at once");
        assertTrue(((InProcessHypervisor) hv).domainFile(a.handle()).isEmpty());
        Path fb = fileOf(b.handle());
        hv.close();
        assertFalse(Files.exists(fb));
        assertFalse(Files.exists(dom0), "dom0's file goes with the hypervisor");
        assertTrue(Files.isDirectory(run.path()), "the directory is its creator's to remove");
    }

    @Test
    void aHypervisorThatMadeItsRunDirectoryRemovesIt() {
        Hypervisor own = Hypervisors.sharedMemory();
        Path dir;
        try {
            dir = ((InProcessHypervisor) own).domainFile(own.dom0().handle()).orElseThrow().getParent();
            assertTrue(Files.isDirectory(dir));
        } finally {
            own.close();
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void aRunDirectoryOfADeadDom0IsRemovedWhenTheNextHypervisorStarts() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(ShmDirectory.defaultBase().resolve(Long.toString(gone.pid())));
        Files.writeString(stale.resolve("dom1-g2.mem"), "left by a dom0 killed with SIGKILL");
        Hypervisor next = Hypervisors.sharedMemory();
        try {
            assertFalse(Files.exists(stale), "the dead run's files are gone");
        } finally {
            next.close();
        }
    }

    @Test
    void aPeersMappingOfAGrantedPageOutlivesTheGrantersFile() {
        Memory.Page page = a.memory().allocPage().orThrow();
        page.segment().set(ValueLayout.JAVA_LONG, 0, 0xfeed_beefL);
        int ref = a.gnttab().grantAccess(b.domid(), page.frame(), false).orThrow();
        MapResult.Mapped m = (MapResult.Mapped) b.gnttab().map(a.domid(), ref, false);
        assertTrue(hv.destroy(a.handle()).isOk());
        assertEquals(0xfeed_beefL, m.page().get(ValueLayout.JAVA_LONG, 0), "Xen keeps a granted page until it is unmapped");
        m.page().set(ValueLayout.JAVA_LONG, 8, 42L);
        assertTrue(b.gnttab().unmap(m.handle()).isOkay());
    }

    @Test
    void aSecondMappingSeesThePortStateMirrorFollowEveryChange() {
        try (DomainFile fa = DomainFile.open(fileOf(a.handle())); DomainFile fb = DomainFile.open(fileOf(b.handle()))) {
            int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
            assertPort(fa, ap, EvtchnState.UNBOUND, b.domid(), 0);

            int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
            assertPort(fa, ap, EvtchnState.INTERDOMAIN, b.domid(), bp);
            assertPort(fb, bp, EvtchnState.INTERDOMAIN, a.domid(), ap);
            assertEquals(0, fa.notifyVcpu(ap));

            assertTrue(a.evtchn().bindVcpu(ap, 1).isOk());
            assertEquals(1, fa.notifyVcpu(ap), "another process learns which vCPU to notify");

            assertTrue(b.evtchn().close(bp).isOk());
            assertPort(fb, bp, EvtchnState.CLOSED, 0, 0);
            assertPort(fa, ap, EvtchnState.UNBOUND, b.domid(), 0);

            int virq = a.evtchn().bindVirq(Virq.VIRQ_TIMER, 0).orThrow();
            assertPort(fa, virq, EvtchnState.VIRQ, 0, Virq.VIRQ_TIMER);
            int ipi = a.evtchn().bindIpi(1).orThrow();
            assertPort(fa, ipi, EvtchnState.IPI, 0, 0);
            assertEquals(1, fa.notifyVcpu(ipi));

            assertTrue(a.evtchn().reset(a.domid()).isOk());
            for (int p : new int[] {ap, virq, ipi}) {
                assertPort(fa, p, EvtchnState.CLOSED, 0, 0);
            }

            int ap2 = a.evtchn().allocUnbound(b.domid()).orThrow();
            int bp2 = b.evtchn().bindInterdomain(a.domid(), ap2).orThrow();
            assertTrue(hv.destroy(a.handle()).isOk());
            assertPort(fb, bp2, EvtchnState.UNBOUND, a.domid(), 0);
        }
    }

    private static void assertPort(DomainFile f, int port, EvtchnState state, int remoteDomid, int remotePort) {
        int w = f.portState(port);
        String where = "port " + port + " of dom" + f.domid() + " (word 0x" + Integer.toHexString(w) + ")";
        assertEquals(state.value(), DomainFileLayout.stateOf(w), where);
        assertEquals(remoteDomid, DomainFileLayout.remoteDomidOf(w), where);
        assertEquals(remotePort, DomainFileLayout.remotePortOf(w), where);
    }

    @Test
    void aSecondMappingSeesThePendingBitTheHypervisorSets() {
        int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        b.evtchn().testAndClearPending(bp);
        try (DomainFile fb = DomainFile.open(fileOf(b.handle()))) {
            assertFalse(fb.sharedInfo().isPending(bp));
            assertTrue(a.evtchn().send(ap).isOk());
            assertTrue(fb.sharedInfo().isPending(bp));
            assertTrue(fb.sharedInfo().testAndClearPending(bp), "and the hypervisor sees what the other process writes");
            assertFalse(b.evtchn().isPending(bp));
        }
    }

    @Test
    void ringingThroughASecondMappingWakesAVcpuBlockedInSchedopBlock() throws Exception {
        int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        b.evtchn().drainPending(0, port -> { }); // the bind left bp pending and vCPU 0's upcall raised
        try (DomainFile fb = DomainFile.open(fileOf(b.handle()))) {
            Future<Wake> w = pool.submit(() -> b.sched().block(0, Sched.NO_DEADLINE));
            await().atMost(Duration.ofSeconds(5)).until(() -> ((InProcessHypervisor) hv).isVcpuSleeping(b.handle(), 0) || w.isDone());
            assertFalse(w.isDone(), "the block returned before anything woke it");
            fb.events().raise(bp, fb.notifyVcpu(bp));
            assertEquals(Wake.EVENT, w.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void noWakeUpIsLostWhenAnotherMappingRaisesAStorm() throws Exception {
        int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        AtomicLong published = new AtomicLong();
        long end = hv.clock().nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (DomainFile fb = DomainFile.open(fileOf(b.handle()))) {
            Future<Long> consumer = pool.submit(() -> {
                long seen = 0;
                while (true) {
                    b.evtchn().drainPending(0, port -> assertEquals(bp, port));
                    seen = published.get();
                    if (seen >= STORM) {
                        return seen;
                    }
                    Wake w = b.sched().block(0, end);
                    if (w != Wake.EVENT) {
                        fail("consumer woke with " + w + " having seen " + seen + " of " + STORM + ": a wake-up was lost");
                    }
                }
            });
            Future<?> producer = pool.submit(() -> {
                int vcpu = fb.notifyVcpu(bp);
                for (int i = 1; i <= STORM; i++) {
                    published.set(i);
                    fb.events().raise(bp, vcpu);
                }
            });
            producer.get(60, TimeUnit.SECONDS);
            assertEquals(STORM, consumer.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void domainsComingAndGoingLeaveNoFileDescriptorOrMapping() throws IOException {
        long fdsBefore = openFds();
        Path dir = createAndDestroyDomainsThenClose(20);
        assertEquals(fdsBefore, openFds(), "a file descriptor is closed once its file is mapped");
        assertFalse(Files.exists(dir));
        // The hypervisor's mappings belong to the GC, as arena pages do: once unreachable, they go.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return mappingsUnder(dir) == 0;
        });
    }

    /** In a method of its own, so that no local of the caller's frame keeps a domain reachable. */
    private static Path createAndDestroyDomainsThenClose(int cycles) {
        Hypervisor own = Hypervisors.sharedMemory();
        Path dir = ((InProcessHypervisor) own).domainFile(own.dom0().handle()).orElseThrow().getParent();
        for (int i = 0; i < cycles; i++) {
            XenDomain x = own.domain(own.createDomain(DomainConfig.named("cycle-" + i)).orThrow()).orElseThrow();
            XenDomain y = own.domain(own.createDomain(DomainConfig.named("peer-" + i)).orThrow()).orElseThrow();
            int xp = x.evtchn().allocUnbound(y.domid()).orThrow();
            y.evtchn().bindInterdomain(x.domid(), xp).orThrow();
            Memory.Page page = x.memory().allocPage().orThrow();
            int ref = x.gnttab().grantAccess(y.domid(), page.frame(), false).orThrow();
            MapResult.Mapped m = (MapResult.Mapped) y.gnttab().map(x.domid(), ref, false);
            assertTrue(y.gnttab().unmap(m.handle()).isOkay());
            assertTrue(own.destroy(x.handle()).isOk());
            assertTrue(own.destroy(y.handle()).isOk());
        }
        own.close();
        return dir;
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long mappingsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath() + "/";
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.contains(prefix)).count();
        }
    }
}
