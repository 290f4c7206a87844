package dev.lingon.xen.internal;

import static dev.lingon.xen.layout.DomainFileLayout.*;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.shm.ShmDirectory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;

/**
 * Pages of the shared-memory backend: slices of the domain's file {@link DomainFile}, mapped
 * {@code MAP_SHARED}, at the fixed places {@link dev.lingon.xen.layout.DomainFileLayout} gives them.
 * A page is backed with memory ({@code fallocate}) when first handed out, so a full {@code /dev/shm}
 * is an ENOMEM with the file's name instead of a SIGBUS later; a frame handed out again is zeroed, as
 * Xen scrubs a page before a domain gets it back.
 */
final class FilePageSource implements PageSource {
    private static final Logger log = LoggerFactory.getLogger(FilePageSource.class);

    private final DomainFile file;
    /** Frames handed out before (so backed, and dirty). Guarded by this. */
    private final BitSet touched = new BitSet();
    /** Grant frames backed so far (frame 0 at creation). Guarded by this. */
    private int grantFramesBacked = 1;

    FilePageSource(DomainFile file) {
        this.file = file;
    }

    /**
     * Domain files in {@code dir}. If {@code ownsDirectory}, closing the factory (at hypervisor close)
     * removes the directory too; otherwise whoever created it removes it.
     */
    static Factory factory(ShmDirectory dir, boolean ownsDirectory) {
        return new Factory() {
            @Override
            public Result<PageSource> create(DomainHandle handle, DomainConfig config) {
                Path path = dir.file(fileName(handle.domid(), handle.generation()));
                try {
                    DomainFile f = DomainFile.create(path, handle, config.vcpus(), config.maxGrantFrames(), config.maxPages());
                    log.debug("dom{} memory file {} ({} bytes, sparse)", handle.domid(), path, fileSize(config.maxGrantFrames(), config.maxPages()));
                    return Result.ok(new FilePageSource(f));
                } catch (UncheckedIOException e) {
                    return Result.err(Errno.ENOMEM, "cannot create the memory file of dom" + handle.domid() + " ("
                            + fileSize(config.maxGrantFrames(), config.maxPages()) + " bytes, sparse): " + e.getMessage());
                }
            }

            @Override
            public void close() {
                if (ownsDirectory) {
                    dir.close();
                }
            }
        };
    }

    DomainFile domainFile() {
        return file;
    }

    @Override
    public MemorySegment sharedInfoPage() {
        return file.sharedInfo().segment();
    }

    @Override
    public MemorySegment vcpuPage() {
        return file.vcpuPage().segment();
    }

    @Override
    public MemorySegment portStatePages() {
        return file.segment().asSlice((long) PORT_STATE_PAGE * PAGE_SIZE, (long) PORT_MIRROR_PAGES * PAGE_SIZE);
    }

    @Override
    public synchronized Result<MemorySegment> grantFrame(int index) {
        if (index >= grantFramesBacked) {
            try {
                file.allocate(grantFrameOffset(index), PAGE_SIZE);
            } catch (UncheckedIOException e) {
                return Result.err(Errno.ENOMEM, "cannot back grant frame " + index + " of dom" + file.domid() + ": " + e.getMessage());
            }
            grantFramesBacked = index + 1;
        }
        return Result.ok(file.grantFrame(index));
    }

    @Override
    public synchronized Result<MemorySegment> frame(int frame) {
        MemorySegment page = file.frame(frame);
        if (touched.get(frame)) {
            page.fill((byte) 0);
        } else {
            try {
                file.allocate(frameOffset(file.maxGrantFrames(), frame), PAGE_SIZE);
            } catch (UncheckedIOException e) {
                return Result.err(Errno.ENOMEM, "cannot back frame " + frame + " of dom" + file.domid() + ": " + e.getMessage());
            }
            touched.set(frame);
        }
        return Result.ok(page);
    }

    @Override
    public VcpuWakeups wakeups() {
        return file.doorbells();
    }

    @Override
    public Optional<Path> file() {
        return Optional.of(file.path());
    }

    @Override
    public void retire() {
        file.delete();
    }
}
