package dev.lingon.xen.api;

import java.lang.foreign.MemorySegment;

/**
 * A domain's pseudo-physical memory, page by page: frames it allocates for its own use and may grant
 * to other domains. Each page is a 4096-byte, page-aligned off-heap segment. Thread-safe.
 */
public interface Memory {
    int PAGE_SIZE = 4096;

    /** A page of the domain's memory: its frame number (what grants name) and its bytes. */
    record Page(int frame, MemorySegment segment) {
    }

    /** A zeroed page; ENOMEM when the domain's memory limit is reached. */
    Result<Page> allocPage();

    /** The page with this frame number, or ENOENT. */
    Result<MemorySegment> page(int frame);

    /** Returns a page to the domain's free pool; EINVAL for a frame not allocated. */
    Errno freePage(int frame);

    int pagesInUse();

    int maxPages();
}
