package dev.lingon.xen.api;

import java.lang.foreign.MemorySegment;

/**
 * A domain seen from inside: the hypercall interfaces its kernel uses. Every call made through it is
 * made as this domain, and permission checks use its domid. Obtained from
 * {@link Hypervisor#domain(DomainHandle)}; after the domain is destroyed its calls fail with ESRCH
 * (or the matching GNTST code).
 */
public interface XenDomain {

    DomainHandle handle();

    default int domid() {
        return handle().domid();
    }

    String name();

    int vcpus();

    EventChannels evtchn();

    GrantTable gnttab();

    Memory memory();

    Sched sched();

    /** This domain's connection to xenstored, opened on first use. */
    XenStore store();

    /** A new, separate xenstored connection (its own watches and transactions). */
    XenStore openStore();

    /** The shared-info page ({@link dev.lingon.xen.layout.SharedInfoLayout}). */
    MemorySegment sharedInfo();

    /** Current state, as {@code xl list} would show it. */
    DomainState state();

    /** The hypervisor this domain runs on. */
    Hypervisor hypervisor();
}
