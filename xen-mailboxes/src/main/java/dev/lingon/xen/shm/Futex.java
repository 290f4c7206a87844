package dev.lingon.xen.shm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Linux futexes on shared memory, through the FFM API: the doorbell that wakes a vCPU blocked in
 * another process. A futex word is a 4-byte aligned {@code int} in a {@code MAP_SHARED} mapping (a
 * {@link ShmFile}); the operations are the non-private ones ({@code FUTEX_WAIT}, {@code FUTEX_WAKE}
 * without {@code FUTEX_PRIVATE_FLAG}), since the waiter and the waker are different processes and the
 * kernel keys the futex by the backing file page.
 *
 * <p>Why a futex and not an eventfd or a pipe: a futex needs no descriptor passed between processes
 * (Java's Unix-domain sockets cannot send one), lives in the very page that holds the condition, and a
 * waker that finds no waiter skips the system call altogether (see {@link Doorbell}). The benchmarks
 * module measures it beside a pipe.
 *
 * <p>Only {@code amd64} and {@code aarch64} Linux are supported; elsewhere {@link #available()} is false
 * and every operation throws {@link UnsupportedOperationException} naming the platform.
 */
public final class Futex {
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int ETIMEDOUT = 110;

    private static final long SYS_FUTEX = sysFutex();
    private static final MethodHandle SYSCALL;
    private static final VarHandle ERRNO;
    private static final long CAPTURE_SIZE;
    private static final String UNAVAILABLE;

    static {
        MethodHandle syscall = null;
        VarHandle errno = null;
        long captureSize = 0;
        String why = null;
        if (SYS_FUTEX < 0) {
            why = "futexes need Linux on amd64 or aarch64; this is " + System.getProperty("os.name") + " on " + System.getProperty("os.arch");
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                MemoryLayout capture = Linker.Option.captureStateLayout();
                syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                        // long syscall(long number, void *uaddr, int op, int val, const struct timespec *timeout)
                        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                                ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
                errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                captureSize = capture.byteSize();
            } catch (RuntimeException | Error e) {
                why = "cannot link syscall(2) through the FFM API (" + e + "); run with --enable-native-access=ALL-UNNAMED";
            }
        }
        SYSCALL = syscall;
        ERRNO = errno;
        CAPTURE_SIZE = captureSize;
        UNAVAILABLE = why;
    }

    /** Per-thread scratch for errno and the timeout, so a wake on the hot path allocates nothing. */
    private record Scratch(MemorySegment capture, MemorySegment timespec) {
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(() -> {
        Arena auto = Arena.ofAuto();
        return new Scratch(auto.allocate(Math.max(CAPTURE_SIZE, 8), 8), auto.allocate(16, 8));
    });

    private Futex() {
    }

    /** What {@link #await} saw. */
    public enum Outcome {
        /** Woken by a {@link #wake}, or spuriously: re-check the condition. */
        WOKEN,
        /** The word no longer held the expected value when the call began: re-check the condition. */
        VALUE_CHANGED,
        /** The timeout passed. */
        TIMED_OUT,
        /** A signal interrupted the wait: re-check the condition. */
        INTERRUPTED
    }

    /** Whether futexes work on this platform. */
    public static boolean available() {
        return UNAVAILABLE == null;
    }

    /**
     * {@code FUTEX_WAIT}: sleeps while the int at {@code word} holds {@code expected}, until a
     * {@link #wake}, the relative {@code timeoutNanos} (negative: no timeout), or a signal.
     */
    public static Outcome await(MemorySegment word, int expected, long timeoutNanos) {
        check(word);
        Scratch scratch = SCRATCH.get();
        MemorySegment capture = scratch.capture();
        try {
            MemorySegment timeout = MemorySegment.NULL;
            if (timeoutNanos >= 0) {
                timeout = scratch.timespec(); // struct timespec { long tv_sec; long tv_nsec; }, relative for FUTEX_WAIT
                timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
            }
            long r = (long) SYSCALL.invokeExact(capture, SYS_FUTEX, word, FUTEX_WAIT, expected, timeout);
            if (r == 0) {
                return Outcome.WOKEN;
            }
            int errno = (int) ERRNO.get(capture, 0L);
            return switch (errno) {
                case EAGAIN -> Outcome.VALUE_CHANGED;
                case ETIMEDOUT -> Outcome.TIMED_OUT;
                case EINTR -> Outcome.INTERRUPTED;
                default -> throw new IllegalStateException("futex(FUTEX_WAIT) failed with errno " + errno);
            };
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex(FUTEX_WAIT) call failed", t);
        }
    }

    /** {@code FUTEX_WAKE}: wakes up to {@code count} waiters on {@code word}; answers how many woke. */
    public static int wake(MemorySegment word, int count) {
        check(word);
        MemorySegment capture = SCRATCH.get().capture();
        try {
            long r = (long) SYSCALL.invokeExact(capture, SYS_FUTEX, word, FUTEX_WAKE, count, MemorySegment.NULL);
            if (r < 0) {
                throw new IllegalStateException("futex(FUTEX_WAKE) failed with errno " + (int) ERRNO.get(capture, 0L));
            }
            return (int) r;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("futex(FUTEX_WAKE) call failed", t);
        }
    }

    private static void check(MemorySegment word) {
        if (UNAVAILABLE != null) {
            throw new UnsupportedOperationException(UNAVAILABLE);
        }
        if (!word.isNative() || word.byteSize() < 4 || (word.address() & 3) != 0) {
            throw new IllegalArgumentException("a futex word is a 4-byte aligned int in native (shared) memory; got " + word);
        }
    }

    private static long sysFutex() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return -1;
        }
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 202;
            case "aarch64" -> 98;
            default -> -1;
        };
    }
}
