package dev.lingon.xen.api;

/** The hypercalls a {@link FaultInterceptor} may see, named as Xen names the sub-operations. */
public enum Hypercall {
    EVTCHNOP_alloc_unbound,
    EVTCHNOP_bind_interdomain,
    EVTCHNOP_bind_virq,
    EVTCHNOP_bind_ipi,
    EVTCHNOP_close,
    EVTCHNOP_send,
    EVTCHNOP_unmask,
    EVTCHNOP_reset,
    GNTTABOP_map_grant_ref,
    GNTTABOP_unmap_grant_ref,
    GNTTABOP_copy,
    SCHEDOP_block,
    SCHEDOP_poll
}
