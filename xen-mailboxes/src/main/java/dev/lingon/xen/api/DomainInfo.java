package dev.lingon.xen.api;

/**
 * A snapshot of a domain as {@code XEN_DOMCTL_getdomaininfo} / {@code xl list} reports it.
 * {@code shutdownReason} is null unless the domain shut down or crashed. {@code createdAtNanos} is on
 * the hypervisor's {@link XenClock}.
 */
public record DomainInfo(DomainHandle handle, String name, DomainState state, ShutdownReason shutdownReason,
                         int vcpus, int pagesInUse, int maxPages, long createdAtNanos) {

    public int domid() {
        return handle.domid();
    }
}
