package dev.lingon.xen.shm;

import dev.lingon.xen.layout.DoorbellLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * A doorbell in shared memory ({@link DoorbellLayout}): {@link #await} blocks a thread until a
 * condition holds, {@link #ring} wakes it from any process that maps the same page. No lost wake-up,
 * provided the raiser makes the condition true with an atomic read-modify-write before ringing (see the
 * layout's protocol). Stateless beyond the 8 shared bytes, so any number of views of the same page in
 * any number of processes work together.
 */
public final class Doorbell {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment bell;
    private final MemorySegment seqWord;

    /** A view of the doorbell at {@code offset} in {@code page}. */
    public Doorbell(MemorySegment page, long offset) {
        if ((page.address() + offset) % 4 != 0) {
            throw new IllegalArgumentException("a doorbell must be 4-byte aligned; offset " + offset + " of " + page + " is not");
        }
        this.bell = page.asSlice(offset, DoorbellLayout.SIZE);
        this.seqWord = bell.asSlice(DoorbellLayout.SEQ_OFFSET, 4);
    }

    /** Wakes every waiter, if there is one; a bell with no waiter costs two memory reads. */
    public void ring() {
        VarHandle.fullFence(); // the caller's condition write is visible before we look for waiters
        if ((int) INT.getVolatile(bell, (long) DoorbellLayout.WAITERS_OFFSET) > 0) {
            INT.getAndAdd(bell, (long) DoorbellLayout.SEQ_OFFSET, 1);
            Futex.wake(seqWord, Integer.MAX_VALUE);
        }
    }

    /**
     * Blocks until {@code ready} answers true, a ring wakes it and {@code ready} holds, or the
     * deadline (on {@link System#nanoTime()}; {@link Long#MAX_VALUE} for none) passes. Answers the last
     * value of {@code ready}.
     */
    public boolean await(BooleanSupplier ready, long deadlineNanos) {
        while (true) {
            if (ready.getAsBoolean()) {
                return true;
            }
            long timeout = -1;
            if (deadlineNanos != Long.MAX_VALUE) {
                timeout = deadlineNanos - System.nanoTime();
                if (timeout <= 0) {
                    return false;
                }
            }
            if (sleepUnless(ready, timeout)) {
                return true;
            }
        }
    }

    /**
     * One round of the waiter's side of the protocol, for callers that run their own wait loop (a
     * vCPU whose wake conditions include state outside shared memory): counts itself as a waiter,
     * re-checks {@code ready}, and unless it holds sleeps until a ring, the relative
     * {@code timeoutNanos} (negative: none), or a spurious wake-up. Answers true if {@code ready} held
     * before it slept; after a sleep the caller re-checks its conditions.
     */
    public boolean sleepUnless(BooleanSupplier ready, long timeoutNanos) {
        INT.getAndAdd(bell, (long) DoorbellLayout.WAITERS_OFFSET, 1);
        try {
            int seen = (int) INT.getVolatile(bell, (long) DoorbellLayout.SEQ_OFFSET);
            if (ready.getAsBoolean()) {
                return true;
            }
            Futex.await(seqWord, seen, timeoutNanos);
            return false;
        } finally {
            INT.getAndAdd(bell, (long) DoorbellLayout.WAITERS_OFFSET, -1);
        }
    }

    /** How many threads wait on this bell now (any process). */
    public int waiters() {
        return (int) INT.getVolatile(bell, (long) DoorbellLayout.WAITERS_OFFSET);
    }
}
