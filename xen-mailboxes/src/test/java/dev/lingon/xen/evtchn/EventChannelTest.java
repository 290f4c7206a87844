package dev.lingon.xen.evtchn;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Virq;
import dev.lingon.xen.api.XenDomain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

/** The 2-level event-channel ABI, rule by rule, as xen/common/event_channel.c implements it. */
@ParameterizedClass
@EnumSource(Backend.class)
class EventChannelTest {
    final Backend backend;

    EventChannelTest(Backend backend) {
        this.backend = backend;
    }

    Hypervisor hv;
    XenDomain a;
    XenDomain b;

    @BeforeEach
    void boot() {
        hv = backend.start();
        a = hv.domain(hv.createDomain(DomainConfig.named("a").withVcpus(2)).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("b")).orThrow()).orElseThrow();
    }

    @AfterEach
    void shutdown() {
        hv.close();
    }

    /** a allocates for b, b binds: returns {aPort, bPort}. */
    int[] connect(XenDomain x, XenDomain y) {
        int xp = x.evtchn().allocUnbound(y.domid()).orThrow();
        int yp = y.evtchn().bindInterdomain(x.domid(), xp).orThrow();
        return new int[] {xp, yp};
    }

    @Nested
    class AllocUnbound {
        @Test
        void reservesTheLowestFreePortForTheNamedRemote() {
            Result<Integer> p = a.evtchn().allocUnbound(b.domid());
            assertEquals(1, p.orThrow(), "port 0 is reserved, so the first port is 1");
            EvtchnStatus s = a.evtchn().status(1).orThrow();
            assertEquals(EvtchnState.UNBOUND, s.state());
            assertEquals(b.domid(), s.remoteDomid());
            assertEquals(2, a.evtchn().allocUnbound(b.domid()).orThrow());
        }

        @Test
        void unprivilegedCallerNamingAnotherDomainGetsEperm() {
            assertEquals(Errno.EPERM, a.evtchn().allocUnbound(b.domid(), DomId.DOM0).errno());
        }

        @Test
        void missingDomainIsEsrchCheckedBeforeEperm() {
            assertEquals(Errno.ESRCH, a.evtchn().allocUnbound(999, DomId.DOM0).errno());
        }

        @Test
        void remoteDomidIsNotCheckedForExistence() {
            int p = a.evtchn().allocUnbound(4242).orThrow();
            assertEquals(4242, a.evtchn().status(p).orThrow().remoteDomid());
        }

        @Test
        void dom0MayAllocateInAnotherDomainAndDomidSelfMeansTheCaller() {
            EventChannels d0 = hv.dom0().evtchn();
            int p = d0.allocUnbound(a.domid(), DomId.DOMID_SELF).orThrow();
            EvtchnStatus s = a.evtchn().status(p).orThrow();
            assertEquals(EvtchnState.UNBOUND, s.state());
            assertEquals(DomId.DOM0, s.remoteDomid(), "DOMID_SELF as remote reserves the port for the caller (dom0)");
        }

        @Test
        void runsOutOfPortsWithEnospc() {
            int n = 0;
            while (a.evtchn().allocUnbound(b.domid()).isOk()) {
                n++;
            }
            assertEquals(4095, n, "ports 1..4095");
            assertEquals(Errno.ENOSPC, a.evtchn().allocUnbound(b.domid()).errno());
        }
    }

    @Nested
    class BindInterdomain {
        @Test
        void bothEndsBecomeInterdomainAndTheLocalPortIsPending() {
            int[] p = connect(a, b);
            EvtchnStatus sa = a.evtchn().status(p[0]).orThrow();
            EvtchnStatus sb = b.evtchn().status(p[1]).orThrow();
            assertEquals(EvtchnState.INTERDOMAIN, sa.state());
            assertEquals(b.domid(), sa.remoteDomid());
            assertEquals(p[1], sa.remotePort());
            assertEquals(EvtchnState.INTERDOMAIN, sb.state());
            assertEquals(a.domid(), sb.remoteDomid());
            assertEquals(p[0], sb.remotePort());
            assertTrue(b.evtchn().isPending(p[1]), "notifications may have been lost while unbound: the new port starts pending");
            assertFalse(a.evtchn().isPending(p[0]));
        }

        @Test
        void aPortReservedForSomeoneElseIsEinval() {
            XenDomain c = hv.domain(hv.createDomain(DomainConfig.named("c")).orThrow()).orElseThrow();
            int ap = a.evtchn().allocUnbound(c.domid()).orThrow();
            assertEquals(Errno.EINVAL, b.evtchn().bindInterdomain(a.domid(), ap).errno());
        }

        @Test
        void aPortThatIsNotUnboundIsEinval() {
            int[] p = connect(a, b);
            assertEquals(Errno.EINVAL, b.evtchn().bindInterdomain(a.domid(), p[0]).errno(), "already interdomain");
            assertEquals(Errno.EINVAL, b.evtchn().bindInterdomain(a.domid(), 17).errno(), "free port");
            assertEquals(Errno.EINVAL, b.evtchn().bindInterdomain(a.domid(), 0).errno(), "reserved port 0");
            assertEquals(Errno.EINVAL, b.evtchn().bindInterdomain(a.domid(), 4000).errno(), "port past the valid range");
        }

        @Test
        void aMissingRemoteDomainIsEsrch() {
            assertEquals(Errno.ESRCH, b.evtchn().bindInterdomain(777, 1).errno());
        }

        @Test
        void aFailedBindLeavesNoPortBehind() {
            assertTrue(b.evtchn().bindInterdomain(a.domid(), 5).errno() == Errno.EINVAL);
            assertEquals(EvtchnState.CLOSED, b.evtchn().status(1).orThrow().state());
        }

        @Test
        void aDomainMayConnectToItself() {
            int p1 = a.evtchn().allocUnbound(DomId.DOMID_SELF).orThrow();
            int p2 = a.evtchn().bindInterdomain(DomId.DOMID_SELF, p1).orThrow();
            a.evtchn().testAndClearPending(p2);
            assertEquals(Errno.OK, a.evtchn().send(p2));
            assertTrue(a.evtchn().isPending(p1));
        }
    }

    @Nested
    class Send {
        @Test
        void interdomainSetsThePeersPendingBit() {
            int[] p = connect(a, b);
            b.evtchn().testAndClearPending(p[1]);
            assertEquals(Errno.OK, a.evtchn().send(p[0]));
            assertTrue(b.evtchn().isPending(p[1]));
            assertFalse(a.evtchn().isPending(p[0]), "the sender's own bit is untouched");
        }

        @Test
        void ipiSetsItsOwnPendingBit() {
            int p = a.evtchn().bindIpi(1).orThrow();
            assertEquals(Errno.OK, a.evtchn().send(p));
            assertTrue(a.evtchn().isPending(p));
        }

        @Test
        void unboundDropsSilentlyAndAnswersOk() {
            int p = a.evtchn().allocUnbound(b.domid()).orThrow();
            assertEquals(Errno.OK, a.evtchn().send(p));
            assertFalse(a.evtchn().isPending(p));
        }

        @Test
        void freeReservedVirqAndInvalidPortsAreEinval() {
            int v = a.evtchn().bindVirq(Virq.VIRQ_TIMER, 0).orThrow();
            assertEquals(Errno.EINVAL, a.evtchn().send(v), "virq");
            assertEquals(Errno.EINVAL, a.evtchn().send(0), "reserved port 0");
            assertEquals(Errno.EINVAL, a.evtchn().send(9), "free port");
            assertEquals(Errno.EINVAL, a.evtchn().send(4095), "past valid_evtchns");
            assertEquals(Errno.EINVAL, a.evtchn().send(5000), "past the ABI");
            assertEquals(Errno.EINVAL, a.evtchn().send(-1));
        }

        @Test
        void raisingAnAlreadyPendingPortMergesIntoOneEvent() {
            int[] p = connect(a, b);
            b.evtchn().testAndClearPending(p[1]);
            b.evtchn().drainPending(0, port -> { });
            for (int i = 0; i < 5; i++) {
                a.evtchn().send(p[0]);
            }
            List<Integer> seen = new ArrayList<>();
            assertEquals(1, b.evtchn().drainPending(0, seen::add));
            assertEquals(List.of(p[1]), seen);
            assertEquals(0, b.evtchn().drainPending(0, seen::add), "nothing left after the scan");
        }
    }

    @Nested
    class Close {
        @Test
        void theInterdomainPeerReturnsToUnboundReservedForTheCloser() {
            int[] p = connect(a, b);
            assertEquals(Errno.OK, a.evtchn().close(p[0]));
            assertEquals(EvtchnState.CLOSED, a.evtchn().status(p[0]).orThrow().state());
            EvtchnStatus sb = b.evtchn().status(p[1]).orThrow();
            assertEquals(EvtchnState.UNBOUND, sb.state());
            assertEquals(a.domid(), sb.remoteDomid(), "only the closer can re-bind it");
            assertEquals(Errno.OK, b.evtchn().send(p[1]), "send on the now-unbound peer is dropped silently");
            int again = a.evtchn().bindInterdomain(b.domid(), p[1]).orThrow();
            assertEquals(EvtchnState.INTERDOMAIN, b.evtchn().status(p[1]).orThrow().state());
            assertEquals(again, b.evtchn().status(p[1]).orThrow().remotePort());
        }

        @Test
        void theClosersPendingBitIsClearedThePeersIsNot() {
            int[] p = connect(a, b);
            a.evtchn().bindIpi(0);
            b.evtchn().send(p[1]);
            assertTrue(a.evtchn().isPending(p[0]));
            assertTrue(b.evtchn().isPending(p[1]), "pending since the bind");
            a.evtchn().close(p[0]);
            assertFalse(a.evtchn().isPending(p[0]));
            assertTrue(b.evtchn().isPending(p[1]));
        }

        @Test
        void theMaskBitSurvivesCloseAndReuse() {
            int p = a.evtchn().allocUnbound(b.domid()).orThrow();
            a.evtchn().mask(p);
            a.evtchn().close(p);
            assertTrue(a.evtchn().isMasked(p));
            assertEquals(p, a.evtchn().bindIpi(0).orThrow(), "the lowest free port is reused");
            assertTrue(a.evtchn().isMasked(p), "the guest owns the mask bit");
        }

        @Test
        void closingAFreeOrReservedPortIsEinval() {
            assertEquals(Errno.EINVAL, a.evtchn().close(3));
            assertEquals(Errno.EINVAL, a.evtchn().close(0));
            assertEquals(Errno.EINVAL, a.evtchn().close(99999));
        }

        @Test
        void closingAVirqPortLetsTheVirqBeBoundAgain() {
            int v = a.evtchn().bindVirq(Virq.VIRQ_DEBUG, 1).orThrow();
            a.evtchn().close(v);
            assertTrue(a.evtchn().bindVirq(Virq.VIRQ_DEBUG, 1).isOk());
        }
    }

    @Nested
    class VirqAndIpi {
        @Test
        void aVirqBindsOncePerVcpu() {
            assertTrue(a.evtchn().bindVirq(Virq.VIRQ_TIMER, 0).isOk());
            assertEquals(Errno.EEXIST, a.evtchn().bindVirq(Virq.VIRQ_TIMER, 0).errno());
            assertTrue(a.evtchn().bindVirq(Virq.VIRQ_TIMER, 1).isOk(), "per-vCPU VIRQ on another vCPU");
        }

        @Test
        void aGlobalVirqBindsOnlyOnVcpu0() {
            assertEquals(Errno.EINVAL, a.evtchn().bindVirq(Virq.VIRQ_DOM_EXC, 1).errno());
            assertTrue(a.evtchn().bindVirq(Virq.VIRQ_DOM_EXC, 0).isOk());
        }

        @Test
        void badVirqsAndVcpusAreRefused() {
            assertEquals(Errno.EINVAL, a.evtchn().bindVirq(Virq.NR_VIRQS, 0).errno());
            assertEquals(Errno.EINVAL, a.evtchn().bindVirq(-1, 0).errno());
            assertEquals(Errno.ENOENT, a.evtchn().bindVirq(Virq.VIRQ_TIMER, 7).errno());
            assertEquals(Errno.ENOENT, a.evtchn().bindIpi(2).errno());
        }

        @Test
        void statusReportsVirqAndIpi() {
            int v = a.evtchn().bindVirq(Virq.VIRQ_TIMER, 1).orThrow();
            int i = a.evtchn().bindIpi(1).orThrow();
            assertEquals(new EvtchnStatus(EvtchnState.VIRQ, 1, -1, -1, Virq.VIRQ_TIMER), a.evtchn().status(v).orThrow());
            assertEquals(new EvtchnStatus(EvtchnState.IPI, 1, -1, -1, -1), a.evtchn().status(i).orThrow());
        }

        @Test
        void dom0LearnsOfDomainExceptionsThroughVirqDomExc() {
            int v = hv.dom0().evtchn().bindVirq(Virq.VIRQ_DOM_EXC, 0).orThrow();
            hv.shutdown(b.handle(), dev.lingon.xen.api.ShutdownReason.REBOOT);
            assertTrue(hv.dom0().evtchn().isPending(v));
        }
    }

    @Nested
    class MaskAndUnmask {
        @Test
        void aMaskedPortBecomesPendingButDoesNotFlagItsVcpu() {
            int[] p = connect(a, b);
            b.evtchn().drainPending(0, x -> { });
            b.evtchn().mask(p[1]);
            a.evtchn().send(p[0]);
            assertTrue(b.evtchn().isPending(p[1]));
            assertEquals(0, b.evtchn().drainPending(0, x -> fail("masked port delivered")));
            assertTrue(b.evtchn().isPending(p[1]), "still pending for whoever unmasks");
        }

        @Test
        void unmaskReRaisesAStillPendingPort() {
            int[] p = connect(a, b);
            b.evtchn().drainPending(0, x -> { });
            b.evtchn().mask(p[1]);
            a.evtchn().send(p[0]);
            assertEquals(Errno.OK, b.evtchn().unmask(p[1]));
            List<Integer> seen = new ArrayList<>();
            assertEquals(1, b.evtchn().drainPending(0, seen::add));
            assertEquals(List.of(p[1]), seen);
        }

        @Test
        void unmaskingAPortThatIsNotPendingDeliversNothing() {
            int[] p = connect(a, b);
            b.evtchn().drainPending(0, x -> { });
            b.evtchn().mask(p[1]);
            b.evtchn().unmask(p[1]);
            assertEquals(0, b.evtchn().drainPending(0, x -> { }));
        }

        @Test
        void maskIsAGuestWriteForAnyPortButUnmaskIsAHypercallOnValidPorts() {
            assertEquals(Errno.OK, a.evtchn().mask(4000), "Linux masks all 4096 ports at boot");
            assertTrue(a.evtchn().isMasked(4000));
            assertEquals(Errno.EINVAL, a.evtchn().mask(4096));
            assertEquals(Errno.EINVAL, a.evtchn().unmask(4000), "past valid_evtchns");
        }
    }

    @Nested
    class ResetStatusAndVcpu {
        @Test
        void resetClosesEveryPortAndPeersSeeUnbound() {
            int[] p = connect(a, b);
            a.evtchn().bindIpi(0);
            a.evtchn().bindVirq(Virq.VIRQ_TIMER, 0);
            assertEquals(Errno.OK, a.evtchn().reset(DomId.DOMID_SELF));
            for (int port = 1; port < 5; port++) {
                assertEquals(EvtchnState.CLOSED, a.evtchn().status(port).orThrow().state(), "port " + port);
            }
            assertEquals(EvtchnState.UNBOUND, b.evtchn().status(p[1]).orThrow().state());
        }

        @Test
        void resetOfAnotherDomainNeedsPrivilege() {
            assertEquals(Errno.EPERM, a.evtchn().reset(b.domid()));
            assertEquals(Errno.OK, hv.dom0().evtchn().reset(b.domid()));
            assertEquals(Errno.ESRCH, hv.dom0().evtchn().reset(555));
        }

        @Test
        void statusOfAnotherDomainNeedsPrivilege() {
            int p = b.evtchn().allocUnbound(a.domid()).orThrow();
            assertEquals(Errno.EPERM, a.evtchn().status(b.domid(), p).errno());
            assertEquals(EvtchnState.UNBOUND, hv.dom0().evtchn().status(b.domid(), p).orThrow().state());
            assertEquals(Errno.ESRCH, hv.dom0().evtchn().status(321, 1).errno());
        }

        @Test
        void portsBecomeValidABucketAtATime() {
            assertEquals(EvtchnState.CLOSED, a.evtchn().status(63).orThrow().state(), "the first bucket is valid from the start");
            assertEquals(Errno.EINVAL, a.evtchn().status(64).errno(), "the second bucket is not yet allocated");
            for (int i = 0; i < 64; i++) {
                a.evtchn().bindIpi(0).orThrow();
            }
            assertEquals(EvtchnState.IPI, a.evtchn().status(64).orThrow().state());
            assertEquals(EvtchnState.CLOSED, a.evtchn().status(127).orThrow().state());
        }

        @Test
        void bindVcpuRoutesEventsToAnotherVcpu() {
            int bp = b.evtchn().allocUnbound(a.domid()).orThrow();
            int ap = a.evtchn().bindInterdomain(b.domid(), bp).orThrow();
            a.evtchn().drainPending(0, x -> { });
            assertEquals(Errno.OK, a.evtchn().bindVcpu(ap, 1));
            b.evtchn().send(bp);
            assertEquals(0, a.evtchn().drainPending(0, x -> { }));
            List<Integer> seen = new ArrayList<>();
            assertEquals(1, a.evtchn().drainPending(1, seen::add));
            assertEquals(List.of(ap), seen);
            assertEquals(Errno.ENOENT, a.evtchn().bindVcpu(ap, 5));
            int ipi = a.evtchn().bindIpi(0).orThrow();
            assertEquals(Errno.EINVAL, a.evtchn().bindVcpu(ipi, 1), "IPIs stay on their vCPU");
        }
    }
}
