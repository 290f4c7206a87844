package dev.lingon.xen.api;

import java.util.function.IntConsumer;

/**
 * A domain's event channels, 2-level ABI ({@code xen/include/public/event_channel.h},
 * {@code xen/common/event_channel.c}, {@code event_2l.c}); the calling domain is the owner of this object.
 *
 * <p>Ports run from 1 to 4095; port 0 is reserved. Ports become valid in buckets of 64 as they are
 * allocated (Xen's {@code port_is_valid}); an operation on a port past the valid range is
 * {@code EINVAL}. Events carry no data: raising an already-pending port merges with it. Pending and
 * mask bits live in the domain's shared-info page ({@link dev.lingon.xen.layout.SharedInfoLayout});
 * the mask bit belongs to the guest and survives close and reuse. A masked port still becomes
 * pending but does not flag its vCPU; {@link #unmask} re-raises it if it is still pending.
 *
 * <p>Thread-safe: every vCPU of the domain may call it.
 */
public interface EventChannels {

    /**
     * {@code EVTCHNOP_alloc_unbound}: a new port in {@code dom} ({@link DomId#DOMID_SELF} for the caller)
     * reserved for {@code remoteDomid}. ESRCH when {@code dom} does not exist (checked first), EPERM when
     * an unprivileged caller names another domain, ENOSPC when no port is free. {@code remoteDomid} is
     * not checked for existence; {@code DOMID_SELF} there means the caller.
     */
    Result<Integer> allocUnbound(int dom, int remoteDomid);

    /** {@code alloc_unbound(DOMID_SELF, remoteDomid)}. */
    default Result<Integer> allocUnbound(int remoteDomid) {
        return allocUnbound(DomId.DOMID_SELF, remoteDomid);
    }

    /**
     * {@code EVTCHNOP_bind_interdomain}: connects a new local port to {@code remotePort} of
     * {@code remoteDomid}, which must be unbound and reserved for the caller (else EINVAL; ESRCH when
     * the domain does not exist). Both ends become interdomain and the new local port is set pending,
     * because notifications sent while the remote port was unbound were dropped.
     */
    Result<Integer> bindInterdomain(int remoteDomid, int remotePort);

    /** {@code EVTCHNOP_bind_virq}: EINVAL for a bad VIRQ or a global VIRQ off vCPU 0, ENOENT for a missing vCPU, EEXIST when already bound on that vCPU. */
    Result<Integer> bindVirq(int virq, int vcpu);

    /** {@code EVTCHNOP_bind_ipi}: a port that raises itself on {@code vcpu}; ENOENT for a missing vCPU. */
    Result<Integer> bindIpi(int vcpu);

    /**
     * {@code EVTCHNOP_send}: interdomain sets the peer port pending, ipi sets this one, unbound drops
     * the event silently and answers OK; a free, reserved, virq or invalid port is EINVAL. Allocation-free.
     */
    Errno send(int port);

    /**
     * {@code EVTCHNOP_close}: frees the port and clears its pending bit (not its mask bit). An
     * interdomain peer goes back to unbound, reserved for this domain, and keeps its pending bit.
     * EINVAL for a free, reserved or invalid port.
     */
    Errno close(int port);

    /** {@code EVTCHNOP_status} of one of this domain's ports; EINVAL for an invalid port. */
    Result<EvtchnStatus> status(int port);

    /** {@code EVTCHNOP_status} of another domain's port: EPERM unless privileged, ESRCH for a missing domain. */
    Result<EvtchnStatus> status(int dom, int port);

    /** {@code EVTCHNOP_bind_vcpu}: routes the port's events to {@code vcpu}. */
    Errno bindVcpu(int port, int vcpu);

    /**
     * Sets the guest-owned mask bit (a plain shared-memory write in Xen, no hypercall), so any port of
     * the ABI may be masked, allocated or not, as Linux masks all of them at boot. EINVAL outside 0..4095.
     */
    Errno mask(int port);

    /** {@code EVTCHNOP_unmask}: clears the mask bit and re-raises the port if it is still pending. */
    Errno unmask(int port);

    /** {@code EVTCHNOP_reset}: closes every port of {@code dom} (the caller, or any domain for dom0). */
    Errno reset(int dom);

    /** Whether the port's pending bit is set. */
    boolean isPending(int port);

    /** Whether the port's mask bit is set. */
    boolean isMasked(int port);

    /** Atomically clears the pending bit; true if it was set. */
    boolean testAndClearPending(int port);

    /**
     * The guest's upcall scan for {@code vcpu}, as Linux's {@code xen_evtchn_do_upcall} does it: clear
     * {@code upcall_pending}, exchange the selector word with 0, and for each flagged word clear and
     * hand over every pending, unmasked port. Each pending port is handed over once, however many
     * times it was raised. A flagged word is scanned whole, so a port bound to another vCPU that is
     * pending in it is handed over too (Linux would filter by its per-CPU binding mask; a Lingon
     * kernel lets whichever vCPU scans first deliver). Returns the number of ports handed over.
     */
    int drainPending(int vcpu, IntConsumer handler);

    /**
     * Whether {@code evtchn_upcall_pending} is set for {@code vcpu}: a cheap, unordered read a kernel
     * makes between slices to decide whether a {@link #drainPending} scan is worth its atomic
     * operations. A hint: a flag set just now may be seen a little later; {@link Sched#block} is what
     * never misses one.
     */
    boolean upcallPending(int vcpu);

    /** Maximum ports of the 2-level ABI: 4096. */
    int maxPorts();
}
