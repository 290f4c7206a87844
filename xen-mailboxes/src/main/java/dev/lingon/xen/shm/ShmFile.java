package dev.lingon.xen.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file mapped {@code MAP_SHARED} into this process: the pages that processes of one Lingon run share
 * (a domain's memory, its shared-info page, its doorbells). Every process that maps the same file sees
 * the same bytes; on {@code /dev/shm} they never touch a disk. The mapping is page-aligned, so page
 * {@code n} of the file is page-aligned in memory too. Closing unmaps it (the file stays until
 * {@link #delete}d, as a mapped page outlives its granter in Xen until it is unmapped). A mapping made
 * by {@link #createCollected} is instead unmapped by the GC once no slice of it is reachable, for
 * pages whose last user nobody can name (see {@link #createCollected}). The file descriptor is closed
 * as soon as the file is mapped either way.
 *
 * <p>Files are sparse. A store to a page that is still a hole when the file system is full does not
 * fail politely: the kernel sends SIGBUS. So whoever hands a page out first {@link #allocate}s it
 * ({@code fallocate(2)}), which turns a full {@code /dev/shm} into an exception naming the file.
 */
public final class ShmFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final boolean collected;

    private ShmFile(Path path, Arena arena, MemorySegment segment, boolean collected) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.collected = collected;
    }

    /** Creates {@code path} (which must not exist) of {@code size} zero bytes, and maps it. */
    public static ShmFile create(Path path, long size) {
        return create(path, size, false);
    }

    /**
     * As {@link #create}, but the mapping belongs to the GC ({@link Arena#ofAuto()}): it stays valid
     * while any slice of it is reachable and is unmapped after, and {@link #close} does nothing. For
     * pages that code in this JVM may still touch after their owner is gone, so that an explicit unmap
     * would turn a late access into an exception (a destroyed domain's pages, which a peer's mapping of
     * a granted page or the domain's own winding-down code may still use).
     */
    public static ShmFile createCollected(Path path, long size) {
        return create(path, size, true);
    }

    private static ShmFile create(Path path, long size, boolean collected) {
        if (size <= 0) {
            throw new IllegalArgumentException("a shared-memory file needs a positive size; got " + size);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.position(size - 1); // one byte at the end: the file is sparse zeros, pages backed only once touched
            ch.write(java.nio.ByteBuffer.wrap(new byte[1]));
            return map(path, ch, size, collected);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the shared-memory file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Maps an existing file, all of it. */
    public static ShmFile open(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return map(path, ch, ch.size(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot map the shared-memory file " + path + ": " + e.getMessage(), e);
        }
    }

    private static ShmFile map(Path path, FileChannel ch, long size, boolean collected) throws IOException {
        if (collected) {
            Arena arena = Arena.ofAuto();
            return new ShmFile(path, arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena), true);
        }
        Arena arena = Arena.ofShared();
        try {
            return new ShmFile(path, arena, ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena), false);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** The whole mapping; invalid once {@link #close()}d. */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * Unmaps the file (every slice of {@link #segment()} becomes inaccessible); for a
     * {@link #createCollected} mapping, nothing: the GC unmaps it.
     */
    @Override
    public void close() {
        if (!collected) {
            arena.close();
        }
    }

    /**
     * Backs bytes {@code offset .. offset+length} of the file with memory now ({@code fallocate(2)},
     * mode 0: holes are filled with zeros, data already there is kept), so later stores to those pages
     * cannot fault. Throws {@link UncheckedIOException} naming the file, the range and the free space
     * when the file system is full. On a file system without {@code fallocate} it does nothing.
     */
    public void allocate(long offset, long length) {
        if (offset < 0 || length <= 0 || offset + length > segment.byteSize()) {
            throw new IllegalArgumentException("cannot allocate bytes " + offset + " +" + length + " of " + path + " (" + segment.byteSize() + " bytes)");
        }
        int errno = Fallocate.fallocate(path, offset, length);
        if (errno == 0 || errno == Fallocate.EOPNOTSUPP) {
            return;
        }
        String free;
        try {
            free = Files.getFileStore(path).getUsableSpace() + " bytes free";
        } catch (IOException e) {
            free = "free space unknown";
        }
        String why = errno == Fallocate.ENOSPC ? "no space left on the file system (" + free + ")" : "errno " + errno;
        throw new UncheckedIOException("cannot back " + length + " bytes at offset " + offset + " of the shared-memory file " + path
                + ": " + why + (errno == Fallocate.ENOSPC ? "; free space in " + path.getParent() + "'s file system (e.g. /dev/shm) or give domains less memory" : ""),
                new IOException(why));
    }

    /** Removes the file; processes that still map it keep their pages until they unmap. */
    public static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the shared-memory file " + path + ": " + e.getMessage(), e);
        }
    }
}
