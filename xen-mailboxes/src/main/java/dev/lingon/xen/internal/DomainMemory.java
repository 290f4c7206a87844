package dev.lingon.xen.internal;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.TreeMap;

/**
 * A domain's pseudo-physical pages, from its {@link PageSource}. Frame numbers start at 1. A page that
 * other domains reference (mapped through a grant, or in a copy) counts them, as Xen's page reference
 * count does: if the guest frees it meanwhile, its frame number is not handed out again until the
 * last reference goes, so a foreign mapping never aliases a page the guest allocates later (with file
 * pages, frame n is always the same bytes). Such a page still counts against the domain's limit, as
 * in Xen, where it stays the domain's until freed. Guarded by its own monitor.
 */
final class DomainMemory implements Memory {
    private final PageSource source;
    private final int maxPages;
    private final TreeMap<Integer, MemorySegment> pages = new TreeMap<>();
    private final ArrayDeque<Integer> freeFrames = new ArrayDeque<>();
    /** Foreign references to each frame that has any. */
    private final HashMap<Integer, Integer> foreignRefs = new HashMap<>();
    /** Frames the guest freed while referenced: reusable once the last reference goes. */
    private final HashSet<Integer> freedWhileReferenced = new HashSet<>();
    private int nextFrame = 1;

    DomainMemory(PageSource source, int maxPages) {
        this.source = source;
        this.maxPages = maxPages;
    }

    @Override
    public synchronized Result<Page> allocPage() {
        if (pages.size() + freedWhileReferenced.size() >= maxPages) {
            return Result.err(Errno.ENOMEM, "domain memory limit of " + maxPages + " pages reached"
                    + (freedWhileReferenced.isEmpty() ? "" : " (" + freedWhileReferenced.size() + " freed pages are still mapped by other domains)"));
        }
        boolean reused = !freeFrames.isEmpty();
        int frame = reused ? freeFrames.pollFirst() : nextFrame++;
        Result<MemorySegment> seg = source.frame(frame);
        if (seg instanceof Result.Err<MemorySegment> err) {
            if (reused) {
                freeFrames.addFirst(frame);
            } else {
                nextFrame--;
            }
            return Result.err(err.errno(), err.detail());
        }
        MemorySegment page = seg.orThrow();
        pages.put(frame, page);
        return Result.ok(new Page(frame, page));
    }

    @Override
    public synchronized Result<MemorySegment> page(int frame) {
        MemorySegment seg = pages.get(frame);
        return seg == null ? Result.err(Errno.ENOENT, "frame " + frame + " is not allocated") : Result.ok(seg);
    }

    synchronized MemorySegment pageOrNull(int frame) {
        return pages.get(frame);
    }

    /** Another domain takes a reference to an allocated frame (a map or a copy): its page, or null if not allocated. */
    synchronized MemorySegment retainForeign(int frame) {
        MemorySegment seg = pages.get(frame);
        if (seg != null) {
            foreignRefs.merge(frame, 1, Integer::sum);
        }
        return seg;
    }

    /** Drops a reference taken by {@link #retainForeign}; a frame freed meanwhile becomes reusable with the last one. */
    synchronized void releaseForeign(int frame) {
        Integer left = foreignRefs.computeIfPresent(frame, (f, n) -> n == 1 ? null : n - 1);
        if (left == null && freedWhileReferenced.remove(frame)) {
            freeFrames.addLast(frame);
        }
    }

    @Override
    public synchronized Errno freePage(int frame) {
        if (pages.remove(frame) == null) {
            return Errno.EINVAL;
        }
        if (foreignRefs.containsKey(frame)) {
            freedWhileReferenced.add(frame);
        } else {
            freeFrames.addLast(frame);
        }
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
