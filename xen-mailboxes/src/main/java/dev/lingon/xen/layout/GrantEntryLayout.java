package dev.lingon.xen.layout;

/**
 * Version-1 grant-table entries ({@code struct grant_entry_v1}, {@code xen/include/public/grant_table.h}).
 * A domain's grant table is an array of these in its grant frames; the guest writes them to offer a
 * page to one other domain, and the hypervisor reads them (and sets GTF_reading/GTF_writing) when
 * that domain maps the page.
 *
 * <pre>
 *  entry (8 bytes), 512 per 4096-byte frame
 *   +0  u16 flags     GTF_* ; type in bits 0-1
 *   +2  u16 domid     the one domain allowed to map or copy
 *   +4  u32 frame     the granted page frame number in the granter's memory
 * </pre>
 *
 * Publishing an entry: write domid, write frame, release fence (so the mapper that sees the flags
 * also sees domid and frame), then write flags. Revoking: compare-and-set the flags to 0, which fails
 * while GTF_reading or GTF_writing is set. Xen updates flags and domid together as one 32-bit word
 * (its {@code scombo}); so do we: {@code flags | domid << 16} at offset 0, little-endian.
 */
public final class GrantEntryLayout {
    public static final int ENTRY_SIZE = 8;
    public static final int FLAGS_OFFSET = 0;
    public static final int DOMID_OFFSET = 2;
    public static final int FRAME_OFFSET = 4;
    /** The 32-bit word that combines flags (low half) and domid (high half). */
    public static final int COMBO_OFFSET = 0;

    public static final int PAGE_SIZE = 4096;
    /** v1 entries per grant frame. */
    public static final int ENTRIES_PER_FRAME = PAGE_SIZE / ENTRY_SIZE;

    /** Refs below this are reserved for the toolstack (0 console, 1 XenStore); guests never allocate them. */
    public static final int NR_RESERVED_ENTRIES = 8;
    public static final int GNTTAB_RESERVED_CONSOLE = 0;
    public static final int GNTTAB_RESERVED_XENSTORE = 1;

    public static final int GTF_invalid = 0;
    public static final int GTF_permit_access = 1;
    public static final int GTF_accept_transfer = 2;
    public static final int GTF_transitive = 3;
    public static final int GTF_type_mask = 3;
    public static final int GTF_readonly = 1 << 2;
    public static final int GTF_reading = 1 << 3;
    public static final int GTF_writing = 1 << 4;
    public static final int GTF_PWT = 1 << 5;
    public static final int GTF_PCD = 1 << 6;
    public static final int GTF_PAT = 1 << 7;
    public static final int GTF_sub_page = 1 << 8;

    /** Xen's default {@code max_grant_frames}. */
    public static final int DEFAULT_MAX_GRANT_FRAMES = 64;

    private GrantEntryLayout() {
    }

    public static long entryOffset(int ref) {
        return (long) ref * ENTRY_SIZE;
    }

    public static int combo(int flags, int domid) {
        return (flags & 0xFFFF) | (domid << 16);
    }

    public static int flagsOf(int combo) {
        return combo & 0xFFFF;
    }

    public static int domidOf(int combo) {
        return combo >>> 16;
    }
}
