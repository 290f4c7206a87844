package dev.lingon.xen.remote;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * How a domain's process maps the pages dom0 tells it about: its own shared-memory file, whole, at the
 * handshake, and one page of another domain's file for each grant it maps. Implemented over
 * memory-mapped files by {@link ShmPageMapper}; a test may substitute its own. Thread-safe.
 */
public interface PageMapper {

    /** A mapping: its bytes until {@link #close()}, after which touching them throws (as an unmapped page faults). */
    interface Mapping extends AutoCloseable {
        MemorySegment segment();

        /** The file the bytes come from. */
        Path file();

        /** Unmaps; idempotent. */
        @Override
        void close();
    }

    /** Maps the domain's own file (shared info, doorbells, port-state mirror, grant frames, frames), all of it, read-write. */
    Mapping mapOwn(Path file);

    /**
     * Maps the {@code length} bytes at {@code offset} of another domain's file: the page dom0 answered for
     * a grant map. Read-only when the grant map is, so a write through it fails here as it would fault
     * under Xen.
     */
    Mapping mapForeign(Path file, long offset, long length, boolean readonly);
}
