package dev.lingon.xen.evtchn;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.InProcessHypervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** SCHEDOP_block and SCHEDOP_poll: when a vCPU sleeps and what wakes it. */
@ParameterizedClass
@EnumSource(Backend.class)
class SchedOpsTest {
    final Backend backend;

    SchedOpsTest(Backend backend) {
        this.backend = backend;
    }

    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void boot() {
        hv = backend.start();
        a = hv.domain(hv.createDomain(DomainConfig.named("a").withVcpus(2)).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("b").withVcpus(2)).orThrow()).orElseThrow();
    }

    @AfterEach
    void down() {
        pool.shutdownNow();
        hv.close();
    }

    int[] connect() {
        int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        b.evtchn().drainPending(0, x -> { });
        b.evtchn().testAndClearPending(bp);
        return new int[] {ap, bp};
    }

    long soon() {
        return hv.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    }

    @Test
    void blockReturnsAtOnceWhenAnUpcallIsAlreadyPending() {
        int[] p = connect();
        a.evtchn().send(p[0]);
        assertEquals(Wake.EVENT, b.sched().block(0, Sched.NO_DEADLINE));
    }

    @Test
    void blockTimesOutWhenNothingArrives() {
        connect();
        assertEquals(Wake.TIMEOUT, b.sched().block(0, soon()));
    }

    /**
     * Runs the wait on a pool thread and returns once that thread sleeps inside it on vCPU {@code vcpu}
     * of b (parked, or counted as a waiter on its doorbell: either way a wake-up now reaches it).
     */
    Future<Wake> parked(int vcpu, java.util.concurrent.Callable<Wake> wait) throws Exception {
        Future<Wake> w = pool.submit(wait);
        await().atMost(Duration.ofSeconds(5)).until(() -> ((InProcessHypervisor) hv).isVcpuSleeping(b.handle(), vcpu) || w.isDone());
        assertFalse(w.isDone(), "the wait returned before anything woke it");
        return w;
    }

    @Test
    void blockedVcpuIsWokenBySendFromAnotherDomain() throws Exception {
        int[] p = connect();
        Future<Wake> w = parked(0, () -> b.sched().block(0, Sched.NO_DEADLINE));
        a.evtchn().send(p[0]);
        assertEquals(Wake.EVENT, w.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aDomainWhoseVcpusAllBlockIsShownBlocked() throws Exception {
        Future<Wake> w0 = parked(0, () -> b.sched().block(0, Sched.NO_DEADLINE));
        assertEquals(DomainState.RUNNING, b.state(), "vCPU 1 is not blocked");
        Future<Wake> w1 = parked(1, () -> b.sched().block(1, Sched.NO_DEADLINE));
        assertEquals(DomainState.BLOCKED, b.state());
        hv.shutdown(b.handle(), ShutdownReason.POWEROFF);
        assertEquals(Wake.SHUTDOWN, w0.get(5, TimeUnit.SECONDS));
        assertEquals(Wake.SHUTDOWN, w1.get(5, TimeUnit.SECONDS));
    }

    @Test
    void blockReEnablesEventDelivery() {
        // vCPUs start with upcalls masked; a block clears the mask (upcall_mask byte of vcpu_info).
        assertEquals(1, b.sharedInfo().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) & 1);
        b.sched().block(0, soon());
        assertEquals(0, b.sharedInfo().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) & 1);
    }

    @Test
    void pollWakesForAMaskedPort() throws Exception {
        int[] p = connect();
        b.evtchn().mask(p[1]);
        Future<Wake> w = parked(0, () -> b.sched().poll(0, new int[] {p[1]}, Sched.NO_DEADLINE));
        a.evtchn().send(p[0]);
        assertEquals(Wake.EVENT, w.get(5, TimeUnit.SECONDS));
    }

    @Test
    void pollIgnoresPortsItDoesNotWatch() {
        int[] p = connect();
        int other = b.evtchn().bindIpi(0).orThrow();
        b.evtchn().send(other);
        assertEquals(Wake.TIMEOUT, b.sched().poll(0, new int[] {p[1]}, soon()));
    }

    @Test
    void pollReturnsAtOnceWhenAPortIsAlreadyPending() {
        int[] p = connect();
        a.evtchn().send(p[0]);
        assertEquals(Wake.EVENT, b.sched().poll(0, new int[] {p[1]}, Sched.NO_DEADLINE));
    }

    @Test
    void shutdownWakesEveryWaitingVcpu() throws Exception {
        int[] p = connect();
        Future<Wake> w0 = parked(0, () -> b.sched().block(0, Sched.NO_DEADLINE));
        Future<Wake> w1 = parked(1, () -> b.sched().poll(1, new int[] {p[1]}, Sched.NO_DEADLINE));
        hv.shutdown(b.handle(), ShutdownReason.POWEROFF);
        assertEquals(Wake.SHUTDOWN, w0.get(5, TimeUnit.SECONDS));
        assertEquals(Wake.SHUTDOWN, w1.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aPausedDomainDoesNotWakeForEventsUntilUnpaused() throws Exception {
        int[] p = connect();
        hv.pause(b.handle());
        assertEquals(DomainState.PAUSED, b.state());
        a.evtchn().send(p[0]);
        assertEquals(Wake.TIMEOUT, b.sched().block(0, soon()), "paused: the pending event waits");
        Future<Wake> w = parked(0, () -> b.sched().block(0, Sched.NO_DEADLINE));
        hv.unpause(b.handle());
        assertEquals(Wake.EVENT, w.get(5, TimeUnit.SECONDS));
    }

    @Test
    void checkpointHoldsAVcpuWhilePaused() throws Exception {
        hv.pause(b.handle());
        Future<Wake> passed = parked(0, () -> b.sched().checkpoint(0) ? Wake.EVENT : Wake.SHUTDOWN);
        hv.unpause(b.handle());
        assertEquals(Wake.EVENT, passed.get(5, TimeUnit.SECONDS));
        hv.shutdown(b.handle(), ShutdownReason.CRASH);
        assertFalse(b.sched().checkpoint(0), "a crashed domain's vCPUs stop");
    }

    @Test
    void oneVcpuIsOneThread() throws Exception {
        Future<Wake> w = parked(0, () -> b.sched().block(0, Sched.NO_DEADLINE));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.sched().block(0, soon()));
        assertTrue(e.getMessage().contains("vCPU 0"));
        hv.shutdown(b.handle(), ShutdownReason.POWEROFF);
        assertEquals(Wake.SHUTDOWN, w.get(5, TimeUnit.SECONDS));
    }

    @Test
    void interruptingAWaitingThreadEndsTheWait() throws Exception {
        connect();
        CompletableFuture<Thread> t = new CompletableFuture<>();
        Future<Wake> w = parked(0, () -> {
            t.complete(Thread.currentThread());
            return b.sched().block(0, Sched.NO_DEADLINE);
        });
        t.get(5, TimeUnit.SECONDS).interrupt();
        assertEquals(Wake.INTERRUPTED, w.get(5, TimeUnit.SECONDS));
    }
}
