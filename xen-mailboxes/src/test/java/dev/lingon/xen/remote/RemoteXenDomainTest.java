package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.EndAccess;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.InProcessHypervisor;
import dev.lingon.xen.vchan.Vchan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Xen ABI through {@link RemoteXenDomain}: two domains whose kernels talk to dom0 over its hypercall
 * socket and map their pages from the shared-memory files, as domain processes do. Answers must be the
 * in-process backend's, errno for errno and GNTST code for GNTST code.
 */
class RemoteXenDomainTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** A thread of its own for each waiting vCPU: the common pool may have a single worker on a small machine. */
    static final java.util.concurrent.Executor VCPU_THREAD = r -> Thread.ofPlatform().daemon().name("test-vcpu").start(r);

    @TempDir
    Path dir;

    Dom0Fixture dom0;
    XenDomain a;
    XenDomain b;
    XenDomain c;
    RemoteXenDomain ra;
    RemoteXenDomain rb;

    @BeforeEach
    void setUp() {
        dom0 = new Dom0Fixture(dir);
        a = dom0.create("a");
        b = dom0.create("b");
        c = dom0.create("c");
        ra = dom0.connect(a);
        rb = dom0.connect(b);
    }

    @AfterEach
    void tearDown() {
        ra.close();
        rb.close();
        dom0.close();
    }

    // ---------------------------------------------------------------- event channels

    @Test
    void anInterdomainChannelCarriesEventsBothWaysAndCloseLeavesThePeerUnbound() {
        int aPort = ra.evtchn().allocUnbound(b.domid()).orThrow();
        assertEquals(new EvtchnStatus(EvtchnState.UNBOUND, 0, b.domid(), -1, -1), ra.evtchn().status(aPort).orThrow());

        int bPort = rb.evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        assertTrue(rb.evtchn().isPending(bPort), "bind leaves the new local port pending, seen in b's own file");
        assertEquals(EvtchnState.INTERDOMAIN, ra.evtchn().status(aPort).orThrow().state());
        assertEquals(bPort, ra.evtchn().status(aPort).orThrow().remotePort());
        assertTrue(rb.evtchn().testAndClearPending(bPort));

        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertTrue(rb.evtchn().isPending(bPort), "a's send set b's bit");
        assertEquals(Errno.OK, rb.evtchn().send(bPort));
        assertTrue(ra.evtchn().isPending(aPort), "b's send set a's bit");
        assertTrue(b.evtchn().isPending(bPort), "dom0's view of b's page is the same page");

        assertEquals(Errno.OK, ra.evtchn().close(aPort));
        EvtchnStatus peer = rb.evtchn().status(bPort).orThrow();
        assertEquals(EvtchnState.UNBOUND, peer.state());
        assertEquals(a.domid(), peer.remoteDomid(), "the peer is reserved for the closer");
        assertEquals(Errno.EINVAL, ra.evtchn().send(aPort), "send on a free port");
        assertEquals(Errno.EINVAL, ra.evtchn().close(aPort), "close of a free port");
        assertEquals(Errno.OK, rb.evtchn().send(bPort), "send on an unbound port is dropped silently");
    }

    @Test
    void statusCodesAreTheHypervisorsOwn() {
        assertEquals(Errno.EPERM, ra.evtchn().allocUnbound(b.domid(), 0).errno(), "an unprivileged caller names another domain");
        assertEquals(Errno.ESRCH, ra.evtchn().allocUnbound(4000, 0).errno(), "a missing dom is checked first");
        assertEquals(Errno.ESRCH, ra.evtchn().bindInterdomain(4000, 1).errno());

        int reservedForB = c.evtchn().allocUnbound(b.domid()).orThrow();
        assertEquals(Errno.EINVAL, ra.evtchn().bindInterdomain(c.domid(), reservedForB).errno(), "a port reserved for another domain");
        assertEquals(Errno.EPERM, ra.evtchn().status(c.domid(), reservedForB).errno(), "another domain's port, unprivileged");
        assertEquals(Errno.EINVAL, ra.evtchn().close(0), "port 0 is reserved");

        assertThrows(IllegalArgumentException.class, () -> ra.evtchn().isPending(4096), "misuse stays an exception");
        assertEquals(Errno.EINVAL, ra.evtchn().mask(4096));
    }

    @Test
    void maskIsTheGuestsOwnBitAndUnmaskReRaises() {
        int aPort = ra.evtchn().allocUnbound(b.domid()).orThrow();
        int bPort = rb.evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        ra.evtchn().drainPending(0, p -> { });
        assertEquals(Errno.OK, ra.evtchn().mask(aPort));
        assertTrue(a.evtchn().isMasked(aPort), "dom0 sees the mask bit the guest wrote in its file");
        rb.evtchn().send(bPort);
        assertTrue(ra.evtchn().isPending(aPort));
        assertFalse(ra.evtchn().upcallPending(0), "a masked port does not flag its vCPU");
        assertEquals(Errno.OK, ra.evtchn().unmask(aPort));
        assertTrue(ra.evtchn().upcallPending(0), "unmask re-raised the still-pending port");
        List<Integer> drained = new CopyOnWriteArrayList<>();
        assertEquals(1, ra.evtchn().drainPending(0, drained::add));
        assertEquals(List.of(aPort), drained);
    }

    // ---------------------------------------------------------------- grant tables

    @Test
    void aGrantedPageIsSharedBetweenTwoDomainProcessesBothWays() {
        Memory.Page page = ra.memory().allocPage().orThrow();
        page.segment().set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
        int ref = ra.gnttab().grantAccess(b.domid(), page.frame(), false).orThrow();

        MapResult.Mapped m = rb.gnttab().map(a.domid(), ref, false).orThrow();
        assertEquals(0x1122334455667788L, m.page().get(ValueLayout.JAVA_LONG, 0), "b reads what a wrote");
        m.page().set(ValueLayout.JAVA_LONG, 8, 42L);
        assertEquals(42L, page.segment().get(ValueLayout.JAVA_LONG, 8), "a reads what b wrote");
        assertEquals(1, rb.gnttab().activeMappings());

        assertEquals(EndAccess.STILL_MAPPED, ra.gnttab().endAccess(ref));
        assertEquals(GntStatus.GNTST_okay, rb.gnttab().unmap(m.handle()));
        assertThrows(IllegalStateException.class, () -> m.page().get(ValueLayout.JAVA_LONG, 0), "an unmapped page is gone from b");
        assertEquals(GntStatus.GNTST_bad_handle, rb.gnttab().unmap(m.handle()));
        assertEquals(EndAccess.ENDED, ra.gnttab().endAccess(ref));
        assertEquals(GntStatus.GNTST_general_error, rb.gnttab().map(a.domid(), ref, false).status(), "an ended grant");
    }

    @Test
    void aReadOnlyGrantMapsReadOnly() {
        Memory.Page page = ra.memory().allocPage().orThrow();
        int ref = ra.gnttab().grantAccess(b.domid(), page.frame(), true).orThrow();
        assertEquals(GntStatus.GNTST_general_error, rb.gnttab().map(a.domid(), ref, false).status(), "a write map of a read-only grant");
        MapResult.Mapped m = rb.gnttab().map(a.domid(), ref, true).orThrow();
        page.segment().set(ValueLayout.JAVA_INT, 100, 7);
        assertEquals(7, m.page().get(ValueLayout.JAVA_INT, 100));
        assertThrows(IllegalArgumentException.class, () -> m.page().set(ValueLayout.JAVA_INT, 100, 8), "a write through a read-only map fails");
        assertEquals(GntStatus.GNTST_okay, rb.gnttab().unmap(m.handle()));
    }

    @Test
    void aMapOfAPageNotGrantedToTheCallerIsRefusedWithGntstCodes() {
        Memory.Page page = ra.memory().allocPage().orThrow();
        int toC = ra.gnttab().grantAccess(c.domid(), page.frame(), false).orThrow();
        assertEquals(GntStatus.GNTST_general_error, rb.gnttab().map(a.domid(), toC, false).status(), "granted to c, not b");
        assertEquals(GntStatus.GNTST_general_error, rb.gnttab().map(a.domid(), 9, false).status(), "never granted");
        assertEquals(GntStatus.GNTST_bad_gntref, rb.gnttab().map(a.domid(), 100_000, false).status(), "past the table");
        assertEquals(GntStatus.GNTST_bad_domain, rb.gnttab().map(4000, 8, false).status(), "no such domain");
        assertEquals(0, rb.gnttab().activeMappings());
        assertThrows(IllegalArgumentException.class, () -> ra.gnttab().endAccess(200), "ending a ref never granted is misuse");
    }

    // ---------------------------------------------------------------- XenStore

    @Test
    void xenStoreReadsWritesAndPermissionsAreDom0s() {
        assertTrue(ra.store().write("data/greeting", "hej").isOk());
        assertEquals("hej", ra.store().read("data/greeting").orThrow());
        assertEquals("hej", dom0.hv.dom0().store().read("/local/domain/" + a.domid() + "/data/greeting").orThrow());
        assertEquals(Errno.ENOENT, ra.store().read("data/missing").errno());
        assertEquals(Errno.EACCES, ra.store().write("/local/domain/" + b.domid() + "/data/x", "1").errno(), "another domain's home");
        assertEquals(List.of("greeting"), ra.store().directory("data").orThrow());
        assertEquals(Errno.E2BIG, ra.store().write("data/big", "x".repeat(5000)).errno());
    }

    @Test
    void aWatchFiresAtOnceAndOnChangesAndItsListenerMayCallBack() {
        List<String> seen = new CopyOnWriteArrayList<>();
        ra.store().onWatchEvent(ev -> seen.add(ev.path() + "=" + (ra.store().read(ev.path()) instanceof dev.lingon.xen.api.Result.Ok<String> ok ? ok.value() : "?")));
        assertTrue(ra.store().watch("data", "tok").isOk());
        await().atMost(WAIT).until(() -> seen.contains("data="));
        dom0.hv.dom0().store().write("/local/domain/" + a.domid() + "/data/k", "v1").orThrow();
        await().atMost(WAIT).until(() -> seen.contains("data/k=v1"));
        assertTrue(ra.store().unwatch("data", "tok").isOk());
        assertEquals(Errno.ENOENT, ra.store().unwatch("data", "tok").errno());
    }

    @Test
    void aSeparateStoreConnectionHasItsOwnWatchesAndTransactions() {
        var s = ra.openStore();
        try {
            assertTrue(s.watch("data", "own").isOk());
            await().atMost(WAIT).until(() -> {
                WatchEvent e = s.pollWatchEvent();
                return e != null && e.token().equals("own");
            });
            assertTrue(ra.store().write("data/n", "0").isOk());
            int tx = s.transactionStart().orThrow();
            assertEquals("0", s.read(tx, "data/n").orThrow());
            assertTrue(ra.store().write("data/n", "1").isOk());
            assertTrue(s.write(tx, "data/n", "2").isOk());
            assertEquals(Errno.EAGAIN, s.transactionEnd(tx, true).errno(), "a node the transaction read changed meanwhile");
            assertEquals("1", ra.store().read("data/n").orThrow());
        } finally {
            s.close();
        }
    }

    // ---------------------------------------------------------------- sched and domain

    @Test
    void aBlockedVcpuIsWokenByAnEventFromAPeerProcess() throws Exception {
        int aPort = ra.evtchn().allocUnbound(b.domid()).orThrow();
        int bPort = rb.evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        ra.evtchn().drainPending(0, p -> { });
        assertEquals(Wake.TIMEOUT, ra.sched().block(0, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20)));

        CompletableFuture<Wake> woke = CompletableFuture.supplyAsync(() -> ra.sched().block(0, Sched.NO_DEADLINE), VCPU_THREAD);
        await().atMost(WAIT).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        assertEquals(Errno.OK, rb.evtchn().send(bPort));
        assertEquals(Wake.EVENT, woke.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(ra.evtchn().isPending(aPort));
    }

    @Test
    void aBlockedVcpuIsWokenByAnEventFromDom0AndAPollerByItsPort() throws Exception {
        int aPort = ra.evtchn().allocUnbound(0).orThrow();
        int d0Port = dom0.hv.dom0().evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        ra.evtchn().drainPending(0, p -> { });

        CompletableFuture<Wake> woke = CompletableFuture.supplyAsync(() -> ra.sched().block(0, Sched.NO_DEADLINE), VCPU_THREAD);
        await().atMost(WAIT).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        dom0.hv.dom0().evtchn().send(d0Port);
        assertEquals(Wake.EVENT, woke.get(WAIT.toSeconds(), TimeUnit.SECONDS));

        assertTrue(ra.evtchn().testAndClearPending(aPort));
        ra.evtchn().mask(aPort);
        CompletableFuture<Wake> polled = CompletableFuture.supplyAsync(() -> ra.sched().poll(1, new int[]{aPort}, Sched.NO_DEADLINE), VCPU_THREAD);
        await().atMost(WAIT).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 1));
        dom0.hv.dom0().evtchn().send(d0Port);
        assertEquals(Wake.EVENT, polled.get(WAIT.toSeconds(), TimeUnit.SECONDS), "poll wakes on a masked port");
    }

    @Test
    void shutdownWakesABlockedVcpuAndDom0SeesTheReason() throws Exception {
        CompletableFuture<Wake> woke = CompletableFuture.supplyAsync(() -> ra.sched().block(0, Sched.NO_DEADLINE), VCPU_THREAD);
        await().atMost(WAIT).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        rb.sched().shutdown(ShutdownReason.POWEROFF);
        ra.sched().shutdown(ShutdownReason.REBOOT);
        assertEquals(Wake.SHUTDOWN, woke.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(DomainState.SHUTDOWN, ra.state());
        assertEquals(ShutdownReason.REBOOT, dom0.hv.info(a.handle()).orElseThrow().shutdownReason());
        assertEquals(Wake.SHUTDOWN, ra.sched().block(0, Sched.NO_DEADLINE));
    }

    @Test
    void aPausedDomainWaitsAtItsCheckpointUntilUnpaused() throws Exception {
        dom0.hv.pause(a.handle()).orThrow("pause");
        assertEquals(DomainState.PAUSED, ra.state());
        CompletableFuture<Boolean> resumed = CompletableFuture.supplyAsync(() -> ra.sched().checkpoint(0), VCPU_THREAD);
        await().atMost(WAIT).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        assertFalse(resumed.isDone());
        dom0.hv.unpause(a.handle()).orThrow("unpause");
        assertTrue(resumed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aRenameReachesTheDomainAsAPush() {
        dom0.hv.rename(a.handle(), "a-old").orThrow("rename");
        await().atMost(WAIT).until(() -> ra.name().equals("a-old"));
        assertEquals("a-old", ra.hypervisor().info(a.handle()).orElseThrow().name());
    }

    @Test
    void theHypervisorAsADomainSeesItRefusesToolstackOperations() {
        assertEquals(Errno.EPERM, ra.hypervisor().destroy(b.handle()));
        assertEquals(Errno.EPERM, ra.hypervisor().createDomain(dev.lingon.xen.api.DomainConfig.named("x")).errno());
        assertEquals(java.util.Optional.of(ra), ra.hypervisor().domain(a.domid()));
        assertTrue(ra.hypervisor().domain(b.domid()).isEmpty());
        assertEquals(null, ra.hypervisor().faultInterceptor(), "faults are injected in dom0");
    }

    @Test
    void aVchanConnectsTwoDomainProcessesThroughGrantsEventsAndXenStore() {
        String path = "/local/domain/" + a.domid() + "/data/vchan/test";
        Vchan server = Vchan.server(ra, b.domid(), path, 8192, 8192).orThrow();
        Vchan client = Vchan.client(rb, a.domid(), path).orThrow();
        byte[] hello = "hello across processes".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + WAIT.toNanos();
        assertEquals(hello.length, client.sendBlocking(java.lang.foreign.MemorySegment.ofArray(hello), 0, hello.length, deadline));
        byte[] got = new byte[hello.length];
        assertEquals(hello.length, server.recvBlocking(java.lang.foreign.MemorySegment.ofArray(got), 0, got.length, deadline));
        assertEquals(new String(hello, java.nio.charset.StandardCharsets.UTF_8), new String(got, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, server.send("ok".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 2));
        byte[] ok = new byte[2];
        assertEquals(2, client.recvBlocking(java.lang.foreign.MemorySegment.ofArray(ok), 0, 2, deadline));
        client.close();
        server.close();
    }

    @Test
    void memoryIsTheDomainsOwnFrames() {
        int before = ra.memory().pagesInUse();
        Memory.Page p = ra.memory().allocPage().orThrow();
        assertEquals(before + 1, ra.memory().pagesInUse());
        p.segment().set(ValueLayout.JAVA_INT, 0, 99);
        assertEquals(99, a.memory().page(p.frame()).orThrow().get(ValueLayout.JAVA_INT, 0), "dom0 sees the same frame");
        assertEquals(99, ra.memory().page(p.frame()).orThrow().get(ValueLayout.JAVA_INT, 0));
        assertEquals(Errno.OK, ra.memory().freePage(p.frame()));
        assertEquals(Errno.ENOENT, ra.memory().page(p.frame()).errno());
        assertEquals(Errno.EINVAL, ra.memory().freePage(p.frame()));
    }
}
