package dev.lingon.xen.faults;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenDomain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

/** The single interception point where a chaos plan injects faults into hypercalls and notifications. */
@ParameterizedClass
@EnumSource(Backend.class)
class FaultInterceptorTest {
    final Backend backend;

    FaultInterceptorTest(Backend backend) {
        this.backend = backend;
    }

    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    int ap;
    int bp;

    @BeforeEach
    void boot() {
        hv = backend.start();
        a = hv.domain(hv.createDomain(DomainConfig.named("a")).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("b")).orThrow()).orElseThrow();
        ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        b.evtchn().testAndClearPending(bp);
    }

    @AfterEach
    void down() {
        hv.close();
    }

    @Test
    void thereIsNoInterceptorByDefault() {
        assertNull(hv.faultInterceptor());
    }

    @Test
    void aDroppedNotificationNeverRaisesThePort() {
        List<String> seen = new ArrayList<>();
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public NotifyAction onNotify(int fromDomid, int fromPort, int toDomid, int toPort) {
                seen.add(fromDomid + ":" + fromPort + "->" + toDomid + ":" + toPort);
                return NotifyAction.DROP;
            }
        });
        assertEquals(Errno.OK, a.evtchn().send(ap), "the sender cannot tell");
        assertFalse(b.evtchn().isPending(bp));
        assertEquals(List.of(a.domid() + ":" + ap + "->" + b.domid() + ":" + bp), seen);
    }

    @Test
    void deferredNotificationsArriveWhenReleasedAndMergeMeanwhile() {
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public NotifyAction onNotify(int fromDomid, int fromPort, int toDomid, int toPort) {
                return NotifyAction.DEFER;
            }
        });
        a.evtchn().send(ap);
        a.evtchn().send(ap);
        assertFalse(b.evtchn().isPending(bp));
        assertEquals(2, hv.releaseDeferredNotifications());
        assertTrue(b.evtchn().isPending(bp));
        b.evtchn().drainPending(0, p -> { });
        assertEquals(0, hv.releaseDeferredNotifications());
    }

    @Test
    void deferredNotificationsToADestroyedDomainAreDiscarded() {
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public NotifyAction onNotify(int fromDomid, int fromPort, int toDomid, int toPort) {
                return NotifyAction.DEFER;
            }
        });
        a.evtchn().send(ap);
        hv.destroy(b.handle());
        assertEquals(0, hv.releaseDeferredNotifications());
    }

    @Test
    void aRefusedMapAnswersTheChosenCode() {
        int frame = a.memory().allocPage().orThrow().frame();
        int ref = a.gnttab().grantAccess(b.domid(), frame, false).orThrow();
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public GntStatus onGrantMap(int mapperDomid, int granterDomid, int r, boolean readonly) {
                return GntStatus.GNTST_eagain;
            }
        });
        assertEquals(GntStatus.GNTST_eagain, b.gnttab().map(a.domid(), ref, false).status());
        assertEquals(0, b.gnttab().activeMappings());
        hv.setFaultInterceptor(null);
        assertEquals(GntStatus.GNTST_okay, b.gnttab().map(a.domid(), ref, false).status());
    }

    @Test
    void aHypercallCanCrashItsCaller() {
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public HypercallAction onHypercall(int callerDomid, Hypercall call) {
                return callerDomid == a.domid() && call == Hypercall.EVTCHNOP_send ? HypercallAction.CRASH_CALLER : HypercallAction.PROCEED;
            }
        });
        assertEquals(Errno.ESRCH, a.evtchn().send(ap));
        assertEquals(DomainState.CRASHED, hv.info(a.handle()).orElseThrow().state());
        assertEquals(ShutdownReason.CRASH, hv.info(a.handle()).orElseThrow().shutdownReason());
        assertEquals(Errno.OK, b.evtchn().send(bp), "other domains go on");
    }

    @Test
    void everyHypercallPassesTheInterceptor() {
        List<Hypercall> calls = new ArrayList<>();
        hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public HypercallAction onHypercall(int callerDomid, Hypercall call) {
                calls.add(call);
                return HypercallAction.PROCEED;
            }
        });
        int p = a.evtchn().allocUnbound(b.domid()).orThrow();
        b.evtchn().bindInterdomain(a.domid(), p).orThrow();
        a.evtchn().send(p);
        a.evtchn().unmask(p);
        a.evtchn().close(p);
        int ref = a.gnttab().grantAccess(b.domid(), a.memory().allocPage().orThrow().frame(), true).orThrow();
        int h = b.gnttab().map(a.domid(), ref, true).orThrow().handle();
        b.gnttab().unmap(h);
        assertEquals(List.of(Hypercall.EVTCHNOP_alloc_unbound, Hypercall.EVTCHNOP_bind_interdomain, Hypercall.EVTCHNOP_send,
                Hypercall.EVTCHNOP_unmask, Hypercall.EVTCHNOP_close, Hypercall.GNTTABOP_map_grant_ref,
                Hypercall.GNTTABOP_unmap_grant_ref), calls);
    }
}
