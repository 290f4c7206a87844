package dev.lingon.xen.remote;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;

/**
 * A remote domain's pseudo-physical memory: dom0 hands frames out and takes them back (the
 * reservation is the hypervisor's), and frame {@code n} is the page at
 * {@link DomainFileLayout#frameOffset} of the domain's own file, which this process has mapped.
 * Thread-safe.
 */
final class RemoteMemory implements Memory {
    private final RemoteXenDomain d;

    RemoteMemory(RemoteXenDomain d) {
        this.d = d;
    }

    @Override
    public Result<Page> allocPage() {
        // dom0 zeroes the page (and backs it with memory) before it answers: it is the same page of the file.
        return d.value(new Request.PopulatePhysmap()).map(frame -> new Page(frame, segment(frame)));
    }

    @Override
    public Result<MemorySegment> page(int frame) {
        Errno e = d.rc(new Request.PageQuery(frame));
        return e.isOk() ? Result.ok(segment(frame)) : Result.err(e, d.handle() + " has no frame " + frame);
    }

    @Override
    public Errno freePage(int frame) {
        return d.rc(new Request.DecreaseReservation(frame));
    }

    @Override
    public int pagesInUse() {
        return d.count(new Request.CurrentReservation());
    }

    @Override
    public int maxPages() {
        return d.maxPages();
    }

    private MemorySegment segment(int frame) {
        if (frame < 1 || frame > d.maxPages()) {
            throw new IllegalStateException("dom0 named frame " + frame + " of " + d.handle() + ", outside 1.." + d.maxPages());
        }
        return d.file().asSlice(DomainFileLayout.frameOffset(d.maxGrantFrames(), frame), PAGE_SIZE);
    }
}
