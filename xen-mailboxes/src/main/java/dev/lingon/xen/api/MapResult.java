package dev.lingon.xen.api;

import java.lang.foreign.MemorySegment;

/** The answer to {@code GNTTABOP_map_grant_ref}: the mapped page and its handle, or the refusal. */
public sealed interface MapResult {

    /**
     * The granted page, mapped. {@code page} is read-only for a read-only map. {@code handle} is what
     * {@code unmap} takes; handles start at 0.
     */
    record Mapped(int handle, MemorySegment page) implements MapResult {
    }

    record Refused(GntStatus status) implements MapResult {
        public Refused {
            if (status == GntStatus.GNTST_okay) {
                throw new IllegalArgumentException("a refusal needs a failing GNTST code");
            }
        }
    }

    default GntStatus status() {
        return switch (this) {
            case Mapped m -> GntStatus.GNTST_okay;
            case Refused r -> r.status();
        };
    }

    /** The mapping; throws {@link IllegalStateException} naming the GNTST code for a refusal. */
    default Mapped orThrow() {
        return switch (this) {
            case Mapped m -> m;
            case Refused r -> throw new IllegalStateException("grant map refused: " + r.status() + " (" + r.status().code() + ")");
        };
    }
}
