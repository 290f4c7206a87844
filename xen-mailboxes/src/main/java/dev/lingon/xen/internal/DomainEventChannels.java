package dev.lingon.xen.internal;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Virq;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.layout.SharedInfoLayout;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntConsumer;

/**
 * One domain's event-channel table and the {@code EVTCHNOP_*} hypercalls made by that domain, as
 * {@code xen/common/event_channel.c} implements them for the 2-level ABI.
 *
 * <p>Control operations (alloc, bind, close, reset) run under the hypervisor's event lock, which
 * stands in for Xen's per-domain event locks taken in domid order. {@link #send} takes no lock: it
 * reads the immutable {@link Binding} of its port and checks that the peer's binding still points
 * back before raising, so a send racing with a close either raises the old peer or nothing.
 */
final class DomainEventChannels implements EventChannels {
    /** Xen grows the valid port range a bucket at a time ({@code EVTCHNS_PER_BUCKET} on x86_64). */
    static final int PORTS_PER_BUCKET = 64;

    private final InProcessDomain self;
    private final InProcessHypervisor hv;
    private final AtomicReferenceArray<Binding> ports = new AtomicReferenceArray<>(SharedInfoLayout.NR_CHANNELS);
    /** {@code valid_evtchns}: ports below this are valid. Written under the event lock. */
    private volatile int validPorts = PORTS_PER_BUCKET;
    /** {@code v->virq_to_evtchn}: [vcpu][virq] → port, 0 when unbound. Guarded by the event lock. */
    private final int[][] virqToPort;

    DomainEventChannels(InProcessDomain self, InProcessHypervisor hv, int vcpus) {
        this.self = self;
        this.hv = hv;
        this.virqToPort = new int[vcpus][Virq.NR_VIRQS];
        for (int p = 0; p < ports.length(); p++) {
            ports.setPlain(p, Binding.Free.INSTANCE);
        }
        ports.set(0, Binding.Reserved.INSTANCE);
    }

    private boolean portIsValid(int port) {
        return port >= 0 && port < validPorts;
    }

    /**
     * Every change of a port's state goes through here (caller holds the event lock): the table first,
     * then the port-state mirror in the domain's pages (release), so a process that reads the mirror
     * never sees a state the hypervisor has not made.
     */
    private void setBinding(int port, Binding b) {
        ports.set(port, b);
        self.portStates().publish(port, portStateOf(b), b.vcpu());
    }

    /** The mirror word for a binding ({@link DomainFileLayout}); the notify vCPU goes beside it. */
    static int portStateOf(Binding b) {
        return switch (b) {
            case Binding.Free x -> DomainFileLayout.portState(EvtchnState.CLOSED.value(), 0, 0);
            case Binding.Reserved x -> DomainFileLayout.portState(EvtchnState.CLOSED.value(), 0, 0);
            case Binding.Unbound u -> DomainFileLayout.portState(EvtchnState.UNBOUND.value(), u.remoteDomid(), 0);
            case Binding.Interdomain i -> DomainFileLayout.portState(EvtchnState.INTERDOMAIN.value(), i.remote().domid(), i.remotePort());
            case Binding.Virq v -> DomainFileLayout.portState(EvtchnState.VIRQ.value(), 0, v.virq());
            case Binding.Ipi ipi -> DomainFileLayout.portState(EvtchnState.IPI.value(), 0, 0);
        };
    }

    Binding binding(int port) {
        return port >= 0 && port < ports.length() ? ports.get(port) : Binding.Free.INSTANCE;
    }

    /** {@code get_free_port}; caller holds the event lock. -1 when all 4095 are taken. */
    private int getFreePort() {
        for (int p = 0; p < ports.length(); p++) {
            if (ports.get(p) instanceof Binding.Free) {
                if (p >= validPorts) {
                    validPorts = Math.min(ports.length(), (p / PORTS_PER_BUCKET + 1) * PORTS_PER_BUCKET);
                }
                return p;
            }
        }
        return -1;
    }

    /** Runs the interceptor's hypercall hook; ESRCH when it crashed the caller (or the caller is gone). */
    private Errno enter(Hypercall call) {
        if (!self.isLive()) {
            return Errno.ESRCH;
        }
        FaultInterceptor f = hv.faults();
        if (f != null && f.onHypercall(self.domid(), call) == FaultInterceptor.HypercallAction.CRASH_CALLER) {
            hv.crashFromFault(self, call);
            return Errno.ESRCH;
        }
        return Errno.OK;
    }

    @Override
    public Result<Integer> allocUnbound(int dom, int remoteDomid) {
        Errno e = enter(Hypercall.EVTCHNOP_alloc_unbound);
        if (!e.isOk()) {
            return Result.err(e, "alloc_unbound by a dead domain");
        }
        synchronized (hv.eventLock()) {
            InProcessDomain d = dom == DomId.DOMID_SELF ? self : hv.liveDomain(dom);
            if (d == null) {
                return Result.err(Errno.ESRCH, "alloc_unbound: no domain " + dom);
            }
            if (d != self && !self.isPrivileged()) {
                return Result.err(Errno.EPERM, "alloc_unbound: dom" + self.domid() + " may not allocate ports in dom" + dom);
            }
            DomainEventChannels chans = d.evtchnImpl();
            int port = chans.getFreePort();
            if (port < 0) {
                return Result.err(Errno.ENOSPC, "alloc_unbound: dom" + d.domid() + " has no free port");
            }
            int remote = remoteDomid == DomId.DOMID_SELF ? self.domid() : remoteDomid;
            chans.setBinding(port, new Binding.Unbound(remote, 0));
            return Result.ok(port);
        }
    }

    @Override
    public Result<Integer> bindInterdomain(int remoteDomid, int remotePort) {
        Errno e = enter(Hypercall.EVTCHNOP_bind_interdomain);
        if (!e.isOk()) {
            return Result.err(e, "bind_interdomain by a dead domain");
        }
        int lport;
        synchronized (hv.eventLock()) {
            int rdom = remoteDomid == DomId.DOMID_SELF ? self.domid() : remoteDomid;
            InProcessDomain rd = hv.liveDomain(rdom);
            if (rd == null) {
                return Result.err(Errno.ESRCH, "bind_interdomain: no domain " + rdom);
            }
            DomainEventChannels rchans = rd.evtchnImpl();
            // Xen finds the local port first; on failure it stays free, so nothing to undo here.
            int port = getFreePort();
            if (port < 0) {
                return Result.err(Errno.ENOSPC, "bind_interdomain: dom" + self.domid() + " has no free port");
            }
            if (!rchans.portIsValid(remotePort)
                    || !(rchans.ports.get(remotePort) instanceof Binding.Unbound u)
                    || u.remoteDomid() != self.domid()) {
                return Result.err(Errno.EINVAL, "bind_interdomain: port " + remotePort + " of dom" + rdom
                        + " is not unbound and reserved for dom" + self.domid());
            }
            setBinding(port, new Binding.Interdomain(rd, remotePort, 0));
            rchans.setBinding(remotePort, new Binding.Interdomain(self, port, u.vcpu()));
            lport = port;
        }
        // Notifications sent to the remote port while it was unbound were dropped; Xen
        // conservatively marks the new local port pending so none is lost.
        self.raise(lport, 0);
        return Result.ok(lport);
    }

    @Override
    public Result<Integer> bindVirq(int virq, int vcpu) {
        Errno e = enter(Hypercall.EVTCHNOP_bind_virq);
        if (!e.isOk()) {
            return Result.err(e, "bind_virq by a dead domain");
        }
        if (virq < 0 || virq >= Virq.NR_VIRQS) {
            return Result.err(Errno.EINVAL, "bind_virq: no VIRQ " + virq);
        }
        if (Virq.isGlobal(virq) && vcpu != 0) {
            return Result.err(Errno.EINVAL, "bind_virq: global VIRQ " + virq + " binds only on vCPU 0");
        }
        if (vcpu < 0 || vcpu >= self.vcpus()) {
            return Result.err(Errno.ENOENT, "bind_virq: dom" + self.domid() + " has no vCPU " + vcpu);
        }
        synchronized (hv.eventLock()) {
            if (virqToPort[vcpu][virq] != 0) {
                return Result.err(Errno.EEXIST, "bind_virq: VIRQ " + virq + " already bound on vCPU " + vcpu
                        + " to port " + virqToPort[vcpu][virq]);
            }
            int port = getFreePort();
            if (port < 0) {
                return Result.err(Errno.ENOSPC, "bind_virq: no free port");
            }
            setBinding(port, new Binding.Virq(virq, vcpu));
            virqToPort[vcpu][virq] = port;
            return Result.ok(port);
        }
    }

    @Override
    public Result<Integer> bindIpi(int vcpu) {
        Errno e = enter(Hypercall.EVTCHNOP_bind_ipi);
        if (!e.isOk()) {
            return Result.err(e, "bind_ipi by a dead domain");
        }
        if (vcpu < 0 || vcpu >= self.vcpus()) {
            return Result.err(Errno.ENOENT, "bind_ipi: dom" + self.domid() + " has no vCPU " + vcpu);
        }
        synchronized (hv.eventLock()) {
            int port = getFreePort();
            if (port < 0) {
                return Result.err(Errno.ENOSPC, "bind_ipi: no free port");
            }
            setBinding(port, new Binding.Ipi(vcpu));
            return Result.ok(port);
        }
    }

    @Override
    public Errno send(int port) {
        if (!portIsValid(port)) {
            return Errno.EINVAL;
        }
        FaultInterceptor f = hv.faults();
        if (f != null) {
            Errno e = enter(Hypercall.EVTCHNOP_send);
            if (!e.isOk()) {
                return e;
            }
        }
        return deliver(port, f);
    }

    /** The body of send, without the liveness and interceptor checks: also used for a dying domain's unmap notifications. */
    Errno deliver(int port, FaultInterceptor f) {
        if (!portIsValid(port)) {
            return Errno.EINVAL;
        }
        Binding b = ports.get(port);
        switch (b) {
            case Binding.Interdomain i -> {
                InProcessDomain rd = i.remote();
                // The peer may have closed (and its port been reused) since we read our binding:
                // raise only if its binding still points back at this port.
                if (rd.evtchnImpl().binding(i.remotePort()) instanceof Binding.Interdomain back
                        && back.remote() == self && back.remotePort() == port) {
                    if (f == null) {
                        rd.raise(i.remotePort(), back.vcpu());
                    } else {
                        hv.notifyThroughFaults(f, self, port, rd, i.remotePort(), back.vcpu());
                    }
                }
                return Errno.OK;
            }
            case Binding.Ipi ipi -> {
                self.raise(port, ipi.vcpu());
                return Errno.OK;
            }
            case Binding.Unbound u -> {
                return Errno.OK;
            }
            case Binding.Free x -> {
                return Errno.EINVAL;
            }
            case Binding.Reserved x -> {
                return Errno.EINVAL;
            }
            case Binding.Virq x -> {
                return Errno.EINVAL;
            }
        }
    }

    @Override
    public Errno close(int port) {
        Errno e = enter(Hypercall.EVTCHNOP_close);
        if (!e.isOk()) {
            return e;
        }
        synchronized (hv.eventLock()) {
            return closeLocked(port);
        }
    }

    /** {@code evtchn_close}; caller holds the event lock. Also used by reset and domain destruction. */
    Errno closeLocked(int port) {
        if (!portIsValid(port)) {
            return Errno.EINVAL;
        }
        Binding b = ports.get(port);
        switch (b) {
            case Binding.Free x -> {
                return Errno.EINVAL;
            }
            case Binding.Reserved x -> {
                return Errno.EINVAL;
            }
            case Binding.Virq v -> virqToPort[v.vcpu()][v.virq()] = 0;
            case Binding.Interdomain i -> {
                DomainEventChannels peer = i.remote().evtchnImpl();
                // The peer keeps its pending bit but goes back to unbound, reserved for us: only we can re-bind it.
                Binding pb = peer.ports.get(i.remotePort());
                peer.setBinding(i.remotePort(), new Binding.Unbound(self.domid(), pb.vcpu()));
            }
            case Binding.Unbound u -> {
            }
            case Binding.Ipi ipi -> {
            }
        }
        // evtchn_free: clear pending so a re-bind starts clean; the mask bit is the guest's and stays.
        self.sharedInfoPage().testAndClearPending(port);
        setBinding(port, Binding.Free.INSTANCE);
        return Errno.OK;
    }

    /** Closes every port; caller holds the event lock. */
    void closeAllLocked() {
        for (int p = 1; p < validPorts; p++) {
            if (!(ports.get(p) instanceof Binding.Free)) {
                closeLocked(p);
            }
        }
    }

    @Override
    public Result<EvtchnStatus> status(int port) {
        return statusOf(port);
    }

    private Result<EvtchnStatus> statusOf(int port) {
        if (!portIsValid(port)) {
            return Result.err(Errno.EINVAL, "status: port " + port + " is not valid in dom" + self.domid());
        }
        Binding b = ports.get(port);
        EvtchnStatus s = switch (b) {
            case Binding.Free x -> EvtchnStatus.closed();
            case Binding.Reserved x -> EvtchnStatus.closed();
            case Binding.Unbound u -> new EvtchnStatus(EvtchnState.UNBOUND, u.vcpu(), u.remoteDomid(), -1, -1);
            case Binding.Interdomain i -> new EvtchnStatus(EvtchnState.INTERDOMAIN, i.vcpu(), i.remote().domid(), i.remotePort(), -1);
            case Binding.Virq v -> new EvtchnStatus(EvtchnState.VIRQ, v.vcpu(), -1, -1, v.virq());
            case Binding.Ipi ipi -> new EvtchnStatus(EvtchnState.IPI, ipi.vcpu(), -1, -1, -1);
        };
        return Result.ok(s);
    }

    @Override
    public Result<EvtchnStatus> status(int dom, int port) {
        InProcessDomain d = dom == DomId.DOMID_SELF ? self : hv.liveDomain(dom);
        if (d == null) {
            return Result.err(Errno.ESRCH, "status: no domain " + dom);
        }
        if (d != self && !self.isPrivileged()) {
            return Result.err(Errno.EPERM, "status: dom" + self.domid() + " may not inspect dom" + dom);
        }
        return d.evtchnImpl().statusOf(port);
    }

    @Override
    public Errno bindVcpu(int port, int vcpu) {
        if (vcpu < 0 || vcpu >= self.vcpus()) {
            return Errno.ENOENT;
        }
        synchronized (hv.eventLock()) {
            if (!portIsValid(port)) {
                return Errno.EINVAL;
            }
            Binding b = ports.get(port);
            Binding nb = switch (b) {
                case Binding.Unbound u -> new Binding.Unbound(u.remoteDomid(), vcpu);
                case Binding.Interdomain i -> new Binding.Interdomain(i.remote(), i.remotePort(), vcpu);
                case Binding.Virq v when Virq.isGlobal(v.virq()) -> new Binding.Virq(v.virq(), vcpu);
                default -> null;
            };
            if (nb == null) {
                return Errno.EINVAL;
            }
            setBinding(port, nb);
            return Errno.OK;
        }
    }

    /** A plain write to guest memory in Xen, so any port of the ABI may be masked, allocated or not (Linux masks all 4096 at boot). */
    @Override
    public Errno mask(int port) {
        if (port < 0 || port >= SharedInfoLayout.NR_CHANNELS) {
            return Errno.EINVAL;
        }
        self.sharedInfoPage().setMask(port);
        return Errno.OK;
    }

    @Override
    public Errno unmask(int port) {
        if (!portIsValid(port)) {
            return Errno.EINVAL;
        }
        FaultInterceptor f = hv.faults();
        if (f != null) {
            Errno e = enter(Hypercall.EVTCHNOP_unmask);
            if (!e.isOk()) {
                return e;
            }
        }
        int vcpu = ports.get(port).vcpu();
        if (self.sharedInfoPage().unmask(port, vcpu)) {
            self.kick(vcpu);
        }
        return Errno.OK;
    }

    @Override
    public Errno reset(int dom) {
        Errno e = enter(Hypercall.EVTCHNOP_reset);
        if (!e.isOk()) {
            return e;
        }
        synchronized (hv.eventLock()) {
            InProcessDomain d = dom == DomId.DOMID_SELF ? self : hv.liveDomain(dom);
            if (d == null) {
                return Errno.ESRCH;
            }
            if (d != self && !self.isPrivileged()) {
                return Errno.EPERM;
            }
            d.evtchnImpl().closeAllLocked();
            return Errno.OK;
        }
    }

    @Override
    public boolean isPending(int port) {
        checkRange(port);
        return self.sharedInfoPage().isPending(port);
    }

    @Override
    public boolean isMasked(int port) {
        checkRange(port);
        return self.sharedInfoPage().isMasked(port);
    }

    @Override
    public boolean testAndClearPending(int port) {
        checkRange(port);
        return self.sharedInfoPage().testAndClearPending(port);
    }

    @Override
    public int drainPending(int vcpu, IntConsumer handler) {
        if (vcpu < 0 || vcpu >= self.vcpus()) {
            throw new IllegalArgumentException("dom" + self.domid() + " has no vCPU " + vcpu);
        }
        return self.sharedInfoPage().drain(vcpu, handler);
    }

    @Override
    public boolean upcallPending(int vcpu) {
        if (vcpu < 0 || vcpu >= self.vcpus()) {
            throw new IllegalArgumentException("dom" + self.domid() + " has no vCPU " + vcpu);
        }
        return self.sharedInfoPage().peekUpcallPending(vcpu);
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

    /** The port bound to a VIRQ on a vCPU, or 0. Caller holds the event lock or accepts a racy answer. */
    int virqPort(int vcpu, int virq) {
        return virqToPort[vcpu][virq];
    }
}
