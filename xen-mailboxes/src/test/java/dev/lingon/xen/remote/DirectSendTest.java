package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.XenDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct send path: after dom0 authorised a peer once, {@code EVTCHNOP_send} on an interdomain
 * port raises the peer in its file without a call to dom0; whenever the mirror says the peer changed,
 * or dom0 injects faults, the send goes through dom0 and answers as Xen does.
 */
class DirectSendTest {

    @TempDir
    Path dir;

    Dom0Fixture dom0;
    XenDomain a;
    XenDomain b;
    RemoteXenDomain ra;
    RemoteXenDomain rb;
    int aPort;
    int bPort;

    @BeforeEach
    void setUp() {
        dom0 = new Dom0Fixture(dir);
        a = dom0.create("a");
        b = dom0.create("b");
        ra = dom0.connect(a);
        rb = dom0.connect(b);
        aPort = ra.evtchn().allocUnbound(b.domid()).orThrow();
        bPort = rb.evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        rb.evtchn().testAndClearPending(bPort);
    }

    @AfterEach
    void tearDown() {
        ra.close();
        rb.close();
        dom0.close();
    }

    @Test
    void afterTheFirstSendInterdomainSendsMakeNoCallToDom0() {
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertTrue(rb.evtchn().testAndClearPending(bPort));
        long calls = dom0.server.requestsServed(a.handle());
        for (int i = 0; i < 100; i++) {
            assertEquals(Errno.OK, ra.evtchn().send(aPort));
            assertTrue(rb.evtchn().testAndClearPending(bPort), "send " + i + " reached b");
        }
        assertEquals(calls, dom0.server.requestsServed(a.handle()), "no send went to dom0");
    }

    @Test
    void anIpiIsRaisedInTheDomainsOwnFileAndWakesItsVcpuWithoutDom0() throws Exception {
        int ipi = ra.evtchn().bindIpi(1).orThrow();
        ra.evtchn().drainPending(1, p -> { });
        ra.evtchn().drainPending(0, p -> { });
        // A thread per vCPU: the common pool may have a single worker on a small machine.
        var vcpuThreads = java.util.concurrent.Executors.newFixedThreadPool(2);
        CompletableFuture<Wake> v1 = CompletableFuture.supplyAsync(() -> ra.sched().block(1, Sched.NO_DEADLINE), vcpuThreads);
        CompletableFuture<Wake> v0 = CompletableFuture.supplyAsync(() -> ra.sched().poll(0, new int[]{aPort}, Sched.NO_DEADLINE), vcpuThreads);
        vcpuThreads.shutdown();
        await().atMost(Duration.ofSeconds(10)).until(() -> ra.state() == DomainState.BLOCKED);
        long calls = dom0.server.requestsServed(a.handle());
        assertEquals(Errno.OK, ra.evtchn().send(ipi));
        assertEquals(Wake.EVENT, v1.get(10, TimeUnit.SECONDS));
        assertTrue(ra.evtchn().isPending(ipi));
        assertEquals(calls, dom0.server.requestsServed(a.handle()), "the IPI never left the process");
        rb.evtchn().send(bPort);
        ra.evtchn().send(aPort);
        ra.evtchn().send(aPort + 1);
        rb.evtchn().send(bPort);
        assertEquals(Wake.EVENT, v0.get(10, TimeUnit.SECONDS), "b's send woke the poller");
    }

    @Test
    void aSendAfterThePeerClosedGoesThroughDom0AndIsDropped() {
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertEquals(Errno.OK, rb.evtchn().close(bPort));
        long calls = dom0.server.requestsServed(a.handle());
        assertEquals(Errno.OK, ra.evtchn().send(aPort), "a's port is unbound again: the send is dropped");
        assertEquals(calls + 1, dom0.server.requestsServed(a.handle()), "dom0 answered it");
        assertFalse(rb.evtchn().isPending(bPort));

        int again = rb.evtchn().bindInterdomain(a.domid(), aPort).orThrow();
        rb.evtchn().testAndClearPending(again);
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertTrue(rb.evtchn().isPending(again), "the rebound port gets the event");
    }

    @Test
    void aSendToADestroyedPeerGoesThroughDom0() {
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        rb.close();
        dom0.hv.destroy(b.handle()).orThrow("destroy");
        assertEquals(Errno.OK, ra.evtchn().send(aPort), "the peer's end closed with it: a's port is unbound");
        assertEquals(Errno.EINVAL, ra.evtchn().send(aPort + 1), "a free port");
    }

    @Test
    void whileDom0InjectsFaultsEverySendGoesThroughIt() {
        List<Hypercall> seen = new CopyOnWriteArrayList<>();
        dom0.hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public HypercallAction onHypercall(int callerDomid, Hypercall call) {
                if (callerDomid == a.domid()) {
                    seen.add(call);
                }
                return HypercallAction.PROCEED;
            }

            @Override
            public NotifyAction onNotify(int fromDomid, int fromPort, int toDomid, int toPort) {
                return NotifyAction.DROP;
            }
        });
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertEquals(Errno.OK, ra.evtchn().send(aPort));
        assertEquals(List.of(Hypercall.EVTCHNOP_send, Hypercall.EVTCHNOP_send), seen);
        assertFalse(rb.evtchn().isPending(bPort), "dom0's interceptor dropped both notifications");
    }

    @Test
    void theDom0PathCanBeChosen() {
        try (RemoteXenDomain rc = RemoteXenDomain.connect(dom0.server.admit(dom0.create("c").handle()), ShmPageMapper.INSTANCE,
                Duration.ofSeconds(30), false)) {
            int cPort = rc.evtchn().allocUnbound(b.domid()).orThrow();
            int bc = rb.evtchn().bindInterdomain(rc.domid(), cPort).orThrow();
            rb.evtchn().testAndClearPending(bc);
            long calls = dom0.server.requestsServed(rc.handle());
            assertEquals(Errno.OK, rc.evtchn().send(cPort));
            assertEquals(calls + 1, dom0.server.requestsServed(rc.handle()));
            assertTrue(rb.evtchn().isPending(bc));
        }
    }
}
