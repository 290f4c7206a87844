package dev.lingon.xen.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * {@code fallocate(2)} through the FFM API, which the JDK does not offer: the way to learn that
 * {@code /dev/shm} is full from an error code instead of a SIGBUS on the first store to a sparse page.
 * Linux only; elsewhere it answers {@link #EOPNOTSUPP}, as a file system without the call would.
 */
final class Fallocate {
    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;

    private static final MethodHandle OPEN;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle CLOSE;
    private static final VarHandle ERRNO;
    private static final long CAPTURE_SIZE;

    static {
        MethodHandle[] handles = linkOrNull();
        MemoryLayout capture = Linker.Option.captureStateLayout();
        OPEN = handles == null ? null : handles[0];
        FALLOCATE = handles == null ? null : handles[1];
        CLOSE = handles == null ? null : handles[2];
        ERRNO = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        CAPTURE_SIZE = capture.byteSize();
    }

    /** open, fallocate and close from libc; null off Linux or without native access (then: as a file system without fallocate). */
    private static MethodHandle[] linkOrNull() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            var libc = linker.defaultLookup();
            return new MethodHandle[] {
                    // int open(const char *path, int flags, ... /* mode_t mode */)
                    linker.downcallHandle(libc.find("open").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                            Linker.Option.firstVariadicArg(2), errno),
                    // int fallocate(int fd, int mode, off_t offset, off_t len)
                    linker.downcallHandle(libc.find("fallocate").orElseThrow(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_LONG), errno),
                    // int close(int fd)
                    linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT))};
        } catch (RuntimeException | Error e) {
            return null;
        }
    }

    private Fallocate() {
    }

    /** {@code fallocate(fd, 0, offset, length)} on the file at {@code path}: 0 or the errno. */
    static int fallocate(Path path, long offset, long length) {
        if (FALLOCATE == null) {
            return EOPNOTSUPP;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = arena.allocate(CAPTURE_SIZE, 8);
            MemorySegment cPath = arena.allocateFrom(path.toAbsolutePath().toString());
            int fd = (int) OPEN.invokeExact(capture, cPath, O_RDWR | O_CLOEXEC, 0);
            if (fd < 0) {
                return (int) ERRNO.get(capture, 0L);
            }
            try {
                int r = (int) FALLOCATE.invokeExact(capture, fd, 0, offset, length);
                return r == 0 ? 0 : (int) ERRNO.get(capture, 0L);
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("fallocate(2) on " + path + " failed", t);
        }
    }
}
