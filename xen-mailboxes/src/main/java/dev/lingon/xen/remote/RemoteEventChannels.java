package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.layout.SharedInfoLayout;

import java.util.function.IntConsumer;

/**
 * A remote domain's event channels: port operations are hypercalls to dom0 (which keeps the port
 * tables and checks every rule); the pending, mask, selector and {@code upcall_pending} bits are read
 * and cleared in the domain's own shared-info page, as a guest does. {@code send} on an interdomain
 * port raises the peer directly in the peer's file (see {@link #send}). Thread-safe.
 */
final class RemoteEventChannels implements EventChannels {
    private final RemoteXenDomain d;

    RemoteEventChannels(RemoteXenDomain d) {
        this.d = d;
    }

    @Override
    public Result<Integer> allocUnbound(int dom, int remoteDomid) {
        return d.value(new Request.AllocUnbound(dom, remoteDomid));
    }

    @Override
    public Result<Integer> bindInterdomain(int remoteDomid, int remotePort) {
        return d.value(new Request.BindInterdomain(remoteDomid, remotePort));
    }

    @Override
    public Result<Integer> bindVirq(int virq, int vcpu) {
        return d.value(new Request.BindVirq(virq, vcpu));
    }

    @Override
    public Result<Integer> bindIpi(int vcpu) {
        return d.value(new Request.BindIpi(vcpu));
    }

    /**
     * {@code EVTCHNOP_send}. An IPI port is raised in this domain's own file, for the vCPU the mirror
     * names. On an interdomain port this domain raises the peer's end itself, in the
     * peer's file, with no round trip: it reads its own port-state mirror for the peer, checks in the
     * peer's mirror that the peer port still points back, and raises it as dom0 would. The peer's event
     * pages are mapped on the first send to that peer, with dom0's authorisation. Everything else —
     * unbound, free or invalid ports, a peer that changed, dom0 refusing the direct path while it
     * injects faults — goes through dom0, which gives the answer Xen gives.
     */
    @Override
    public Errno send(int port) {
        if (port > 0 && port < SharedInfoLayout.NR_CHANNELS && d.directSend()) {
            int word = d.portStates().read(port);
            if (DomainFileLayout.stateOf(word) == EvtchnState.IPI.value()) {
                d.events().raise(port, d.portStates().notifyVcpu(port));
                return Errno.OK;
            }
            if (DomainFileLayout.stateOf(word) == EvtchnState.INTERDOMAIN.value()) {
                PeerEvents peer = d.peerEvents(DomainFileLayout.remoteDomidOf(word), port);
                if (peer != null) {
                    try {
                        if (peer.raiseIfPeerOf(DomainFileLayout.remotePortOf(word), d.domid(), port)) {
                            return Errno.OK;
                        }
                    } catch (IllegalStateException e) {
                        // Another vCPU unmapped the peer's pages a moment ago: the port changed; dom0 knows how.
                    }
                    d.forgetPeer(peer);
                }
            }
        }
        return d.rc(new Request.Send(port));
    }

    @Override
    public Errno close(int port) {
        return d.rc(new Request.Close(port));
    }

    @Override
    public Result<EvtchnStatus> status(int port) {
        return status(DomId.DOMID_SELF, port);
    }

    @Override
    public Result<EvtchnStatus> status(int dom, int port) {
        Request req = new Request.Status(dom, port);
        Reply r = d.client().call(req);
        return switch (r) {
            case Reply.PortStatus s -> Result.ok(s.status());
            case Reply.Rc rc when !rc.errno().isOk() -> Result.err(rc.errno(), rc.detail());
            default -> throw d.unexpected(req, r);
        };
    }

    @Override
    public Errno bindVcpu(int port, int vcpu) {
        return d.rc(new Request.BindVcpu(port, vcpu));
    }

    /** The mask bit is the guest's: a plain write to its own shared-info page, no hypercall (as in Xen). */
    @Override
    public Errno mask(int port) {
        if (port < 0 || port >= SharedInfoLayout.NR_CHANNELS) {
            return Errno.EINVAL;
        }
        d.sharedInfoPage().setMask(port);
        return Errno.OK;
    }

    /** A hypercall: dom0 clears the bit and, if the port is still pending, re-raises it and rings the vCPU's doorbell. */
    @Override
    public Errno unmask(int port) {
        return d.rc(new Request.Unmask(port));
    }

    @Override
    public Errno reset(int dom) {
        return d.rc(new Request.Reset(dom));
    }

    @Override
    public boolean isPending(int port) {
        checkRange(port);
        return d.sharedInfoPage().isPending(port);
    }

    @Override
    public boolean isMasked(int port) {
        checkRange(port);
        return d.sharedInfoPage().isMasked(port);
    }

    @Override
    public boolean testAndClearPending(int port) {
        checkRange(port);
        return d.sharedInfoPage().testAndClearPending(port);
    }

    @Override
    public int drainPending(int vcpu, IntConsumer handler) {
        d.checkVcpu(vcpu);
        return d.sharedInfoPage().drain(vcpu, handler);
    }

    @Override
    public boolean upcallPending(int vcpu) {
        d.checkVcpu(vcpu);
        return d.sharedInfoPage().peekUpcallPending(vcpu);
    }

    @Override
    public int maxPorts() {
        return SharedInfoLayout.NR_CHANNELS;
    }

    private static void checkRange(int port) {
        if (port < 0 || port >= SharedInfoLayout.NR_CHANNELS) {
            throw new IllegalArgumentException("port " + port + " is outside 0.." + (SharedInfoLayout.NR_CHANNELS - 1));
        }
    }
}
