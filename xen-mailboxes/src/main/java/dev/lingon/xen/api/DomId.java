package dev.lingon.xen.api;

/**
 * Domain ids as Xen numbers them ({@code xen/include/public/xen.h}): a {@code domid_t} is 16 bits,
 * dom0 is 0, and ids from {@link #DOMID_FIRST_RESERVED} up name pseudo-domains.
 */
public final class DomId {
    /** The privileged control domain: the toolstack, xenstored and the hypervisor's authority. */
    public static final int DOM0 = 0;
    /** First id that names no real domain. */
    public static final int DOMID_FIRST_RESERVED = 0x7FF0;
    /** "The calling domain", accepted by event-channel and grant-table operations. */
    public static final int DOMID_SELF = 0x7FF0;
    /** Grant-copy target for I/O-space pages. */
    public static final int DOMID_IO = 0x7FF1;
    /** Owner of pages that belong to no domain. */
    public static final int DOMID_XEN = 0x7FF2;
    /** An id that is never valid; Linux uses it for "no domain". */
    public static final int DOMID_INVALID = 0x7FF4;

    private DomId() {
    }

    /** True for an id a real domain can have (0 … 0x7FEF). */
    public static boolean isReal(int domid) {
        return domid >= 0 && domid < DOMID_FIRST_RESERVED;
    }
}
