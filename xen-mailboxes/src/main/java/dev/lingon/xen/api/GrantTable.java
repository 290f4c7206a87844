package dev.lingon.xen.api;

/**
 * A domain's grant table (v1), both halves: the guest side that offers its pages
 * ({@code gnttab_grant_foreign_access} / {@code gnttab_end_foreign_access} in Linux, writing
 * {@link dev.lingon.xen.layout.GrantEntryLayout} entries) and the hypercalls that map, unmap and copy
 * other domains' grants ({@code GNTTABOP_map_grant_ref}, {@code unmap_grant_ref}, {@code copy}).
 *
 * <p>Refs 0–7 are reserved for the toolstack. The table grows a frame (512 entries) at a time up to
 * the domain's {@code maxGrantFrames}. Map refusals follow Xen: {@code GNTST_general_error} for a
 * wrong grantee, an entry never granted or a write map of a read-only grant;
 * {@code GNTST_bad_gntref} only for a ref past the table; {@code GNTST_bad_domain} for a missing
 * domain or {@code DOMID_SELF}.
 *
 * <p>Thread-safe.
 */
public interface GrantTable {

    /** Grants {@code domid} access to one of this domain's frames; ENOSPC when the table is full at its maximum size. */
    Result<Integer> grantAccess(int domid, int frame, boolean readonly);

    /**
     * Fills one of the reserved refs 0–7 (as the toolstack seeds {@code GNTTAB_RESERVED_CONSOLE} and
     * {@code GNTTAB_RESERVED_XENSTORE}); EINVAL for any other ref, EBUSY when that ref is in use.
     * End it with {@link #endAccess} like any grant.
     */
    Result<Integer> grantAccessAt(int ref, int domid, int frame, boolean readonly);

    /**
     * Ends foreign access if the page is not mapped (CAS of the flags to 0), freeing the ref. While
     * mapped, answers {@link EndAccess#STILL_MAPPED} and changes nothing.
     * @throws IllegalArgumentException for a ref this domain has not granted
     */
    EndAccess endAccess(int ref);

    /**
     * Like Linux's {@code gnttab_end_foreign_access}: ends access now if possible, otherwise keeps the
     * ref on a deferred list that is retried on later grant-table calls of this domain (and by
     * {@link #retryDeferred()}), so a page still mapped by a peer is freed once the peer unmaps.
     * @return true if access ended now
     */
    boolean endAccessDeferred(int ref);

    /** Retries deferred ends; returns how many remain deferred. */
    int retryDeferred();

    /** Refs still waiting on the deferred list. */
    int deferredCount();

    /** Maps {@code ref} of {@code domid}'s table into this domain. */
    MapResult map(int domid, int ref, boolean readonly);

    /** Unmaps a handle from {@link #map}; {@code GNTST_bad_handle} for an unknown handle. */
    GntStatus unmap(int handle);

    /**
     * {@code GNTTABOP_copy}: len 0 is okay without checks; then the domains (a foreign domain named by
     * frame: {@code GNTST_permission_denied}; a missing one: {@code GNTST_bad_domain}), then the refs,
     * and last the page bounds ({@code GNTST_bad_copy_arg}), so a bad ref wins over a page-crossing length.
     */
    GntStatus copy(GntCopy op);

    /** {@code GNTTABOP_query_size}: grant frames in use now. */
    int nrFrames();

    /** {@code GNTTABOP_query_size}: the maximum grant frames. */
    int maxFrames();

    /** Mappings this domain holds now (its maptrack entries in use). */
    int activeMappings();

    /**
     * Linux gntalloc/gntdev {@code UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT}: if this domain is
     * destroyed while the registration is open, the byte at {@code byteOffset} of {@code page} is
     * cleared and an event is sent on {@code port}, before the domain's ports close. This is how a
     * vchan peer learns that the other end died without closing. Close the registration to cancel.
     */
    AutoCloseable unmapNotify(java.lang.foreign.MemorySegment page, long byteOffset, int port);
}
