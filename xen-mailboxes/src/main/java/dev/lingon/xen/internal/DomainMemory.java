package dev.lingon.xen.internal;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.TreeMap;

/**
 * A domain's pages in the in-process backend: page-aligned segments from an automatic arena, so a
 * page another domain still maps stays valid after this domain is gone (as a mapped page outlives
 * its granter in Xen until it is unmapped). Guarded by its own monitor.
 */
final class DomainMemory implements Memory {
    private final Arena arena = Arena.ofAuto();
    private final int maxPages;
    private final TreeMap<Integer, MemorySegment> pages = new TreeMap<>();
    private final ArrayDeque<Integer> freeFrames = new ArrayDeque<>();
    private int nextFrame = 1;

    DomainMemory(int maxPages) {
        this.maxPages = maxPages;
    }

    /** A page-aligned page outside the domain's allowance, for hypervisor structures (shared info, grant frames). */
    MemorySegment hypervisorPage() {
        return arena.allocate(PAGE_SIZE, PAGE_SIZE);
    }

    @Override
    public synchronized Result<Page> allocPage() {
        if (pages.size() >= maxPages) {
            return Result.err(Errno.ENOMEM, "domain memory limit of " + maxPages + " pages reached");
        }
        int frame = freeFrames.isEmpty() ? nextFrame++ : freeFrames.pollFirst();
        MemorySegment seg = arena.allocate(PAGE_SIZE, PAGE_SIZE);
        pages.put(frame, seg);
        return Result.ok(new Page(frame, seg));
    }

    @Override
    public synchronized Result<MemorySegment> page(int frame) {
        MemorySegment seg = pages.get(frame);
        return seg == null ? Result.err(Errno.ENOENT, "frame " + frame + " is not allocated") : Result.ok(seg);
    }

    synchronized MemorySegment pageOrNull(int frame) {
        return pages.get(frame);
    }

    @Override
    public synchronized Errno freePage(int frame) {
        if (pages.remove(frame) == null) {
            return Errno.EINVAL;
        }
        freeFrames.addLast(frame);
        return Errno.OK;
    }

    @Override
    public synchronized int pagesInUse() {
        return pages.size();
    }

    @Override
    public int maxPages() {
        return maxPages;
    }
}
