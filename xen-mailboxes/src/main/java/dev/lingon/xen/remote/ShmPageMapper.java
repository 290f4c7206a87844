package dev.lingon.xen.remote;

import dev.lingon.xen.shm.ShmFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link PageMapper} over {@code MAP_SHARED} file mappings. The own file is mapped whole through
 * {@link ShmFile#open}. A foreign page is mapped on its own — only the granted page, never the rest of
 * the granter's file — read-only when the grant map is, each in its own shared arena, so an unmap is a
 * real {@code munmap} and the segment fails afterwards. Stateless; any thread.
 */
public final class ShmPageMapper implements PageMapper {

    public static final ShmPageMapper INSTANCE = new ShmPageMapper();

    private ShmPageMapper() {
    }

    @Override
    public Mapping mapOwn(Path file) {
        ShmFile f = ShmFile.open(file);
        return new FileMapping(file, f.segment(), f::close);
    }

    @Override
    public Mapping mapForeign(Path file, long offset, long length, boolean readonly) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("cannot map " + length + " bytes at offset " + offset + " of " + file);
        }
        Arena arena = Arena.ofShared();
        try (FileChannel ch = readonly ? FileChannel.open(file, StandardOpenOption.READ)
                : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (offset + length > ch.size()) {
                throw new IllegalArgumentException("dom0 named bytes " + offset + ".." + (offset + length) + " of " + file
                        + ", which is only " + ch.size() + " bytes long");
            }
            MemorySegment seg = ch.map(readonly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, offset, length, arena);
            return new FileMapping(file, readonly ? seg.asReadOnly() : seg, arena::close);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot map " + length + " bytes at offset " + offset + " of " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static final class FileMapping implements Mapping {
        private final Path file;
        private final MemorySegment segment;
        private final Runnable unmap;
        private final AtomicBoolean closed = new AtomicBoolean();

        FileMapping(Path file, MemorySegment segment, Runnable unmap) {
            this.file = file;
            this.segment = segment;
            this.unmap = unmap;
        }

        @Override
        public MemorySegment segment() {
            return segment;
        }

        @Override
        public Path file() {
            return file;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                unmap.run();
            }
        }

        @Override
        public String toString() {
            return "mapping of " + segment.byteSize() + " bytes of " + file;
        }
    }
}
