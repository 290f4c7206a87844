package dev.lingon.xen.api;

import java.util.Objects;

/**
 * One {@code GNTTABOP_copy} operation ({@code struct gnttab_copy}): {@code len} bytes from source to
 * destination, each named either by a grant ref of a foreign domain or by a frame of the caller's own
 * memory (then the domid must be {@link DomId#DOMID_SELF}).
 */
public record GntCopy(Ptr source, Ptr dest, int len) {

    /** One side of a copy. {@code gref} true: {@code refOrFrame} is a grant ref of {@code domid}; false: a frame of the caller. */
    public record Ptr(boolean gref, int refOrFrame, int domid, int offset) {
        public Ptr {
            if (offset < 0 || offset > 0xFFFF) {
                throw new IllegalArgumentException("grant copy offset is a u16, got " + offset);
            }
        }

        public static Ptr ref(int domid, int ref, int offset) {
            return new Ptr(true, ref, domid, offset);
        }

        public static Ptr ownFrame(int frame, int offset) {
            return new Ptr(false, frame, DomId.DOMID_SELF, offset);
        }
    }

    public GntCopy {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(dest, "dest");
        if (len < 0 || len > 0xFFFF) {
            throw new IllegalArgumentException("grant copy len is a u16, got " + len);
        }
    }
}
