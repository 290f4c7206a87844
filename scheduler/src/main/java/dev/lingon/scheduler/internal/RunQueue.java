package dev.lingon.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A vCPU's run queue: a bounded multi-producer, multi-consumer FIFO on an array (Vyukov's
 * sequence-numbered ring), with an unbounded overflow queue for bursts beyond its capacity. No
 * allocation per task while it fits, and a constant-time answer to the steal decision's question
 * (two or more waiting?) even when the overflow holds thousands.
 *
 * <p>Order: while the overflow holds anything, new tasks join the overflow too, and the array is
 * served first; so tasks from one producer come out in the order they went in. Thread-safe.
 */
final class RunQueue extends RunQueuePositions {
    private static final int CAPACITY = 1 << 13;
    private static final int MASK = CAPACITY - 1;

    private final Runnable[] buffer = new Runnable[CAPACITY];
    private final AtomicLongArray sequence = new AtomicLongArray(CAPACITY);
    private final ConcurrentLinkedQueue<Runnable> overflow = new ConcurrentLinkedQueue<>();
    private volatile boolean overflowing;

    RunQueue() {
        for (int i = 0; i < CAPACITY; i++) {
            sequence.setPlain(i, i);
        }
    }

    void offer(Runnable task) {
        if (overflowing || !offerArray(task)) {
            // Offer first, flag after: a consumer that clears the flag and looks again either sees
            // this task or sees the flag set again, so nothing is stranded in the overflow.
            overflow.offer(task);
            overflowing = true;
        }
    }

    private boolean offerArray(Runnable task) {
        long pos = (long) ENQUEUE_POS.getVolatile(this);
        while (true) {
            int idx = (int) pos & MASK;
            long seq = sequence.get(idx);
            long dif = seq - pos;
            if (dif == 0) {
                if (ENQUEUE_POS.compareAndSet(this, pos, pos + 1)) {
                    buffer[idx] = task;
                    // Publishes the slot: a consumer that sees this sequence sees the task. A release
                    // store is enough (Vyukov's queue); a volatile one would fence every submit. The
                    // idle/wake handshake does not rest on it: it pairs the CAS on enqueuePos above
                    // with the idle flag, and isEmpty/size read the positions.
                    sequence.setRelease(idx, pos + 1);
                    return true;
                }
                pos = (long) ENQUEUE_POS.getVolatile(this);
            } else if (dif < 0) {
                return false;
            } else {
                pos = (long) ENQUEUE_POS.getVolatile(this);
            }
        }
    }

    Runnable poll() {
        Runnable t = pollArray();
        if (t != null) {
            return t;
        }
        if (overflowing) {
            t = overflow.poll();
            if (t == null) {
                overflowing = false;
                // A producer may have added between our poll and the flag: take it now, in order.
                t = overflow.poll();
            }
        }
        return t;
    }

    private Runnable pollArray() {
        long pos = (long) DEQUEUE_POS.getVolatile(this);
        while (true) {
            int idx = (int) pos & MASK;
            long seq = sequence.get(idx);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (DEQUEUE_POS.compareAndSet(this, pos, pos + 1)) {
                    Runnable t = buffer[idx];
                    buffer[idx] = null;
                    // Frees the slot for the producer one lap later (release, as above).
                    sequence.setRelease(idx, pos + CAPACITY);
                    return t;
                }
                pos = (long) DEQUEUE_POS.getVolatile(this);
            } else if (dif < 0) {
                return null;
            } else {
                pos = (long) DEQUEUE_POS.getVolatile(this);
            }
        }
    }

    /** Tasks waiting, approximately (exact when nothing moves). */
    int size() {
        long n = (long) ENQUEUE_POS.getVolatile(this) - (long) DEQUEUE_POS.getVolatile(this);
        return (int) Math.max(0, n) + (overflowing ? overflow.size() : 0);
    }

    /**
     * Whether two or more tasks wait (approximately, as {@link #size}), in constant time. Idle vCPUs
     * ask this of every other queue on each spin to decide whether to steal; {@code size()} would walk
     * the whole overflow, and spawning 100,000 actors put that many start-up tasks there.
     */
    boolean hasMoreThanOne() {
        long n = (long) ENQUEUE_POS.getVolatile(this) - (long) DEQUEUE_POS.getVolatile(this);
        if (n >= 2) {
            return true;
        }
        if (!overflowing) {
            return false;
        }
        int counted = (int) Math.max(0, n);
        for (java.util.Iterator<Runnable> it = overflow.iterator(); counted < 2 && it.hasNext(); it.next()) {
            counted++;
        }
        return counted >= 2;
    }

    boolean isEmpty() {
        return (long) ENQUEUE_POS.getVolatile(this) == (long) DEQUEUE_POS.getVolatile(this) && (!overflowing || overflow.isEmpty());
    }
}

/*
 * The producer and consumer positions, each on a cache line of its own (inherited padding: a
 * superclass's fields are laid out first). Consumers (the owner and thieves) CAS the dequeue position,
 * producers the enqueue position, and idle vCPUs read both to look for work; sharing a line would make
 * each of those bounce the other. Fields in the object itself, not AtomicLongs, which would be two
 * small objects allocated side by side, on one line whatever padding the queue holds.
 */
@SuppressWarnings("unused")
abstract class RunQueuePadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class RunQueueEnqueuePos extends RunQueuePadBefore {
    volatile long enqueuePos;
}

@SuppressWarnings("unused")
abstract class RunQueuePadMiddle extends RunQueueEnqueuePos {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class RunQueueDequeuePos extends RunQueuePadMiddle {
    volatile long dequeuePos;
}

@SuppressWarnings("unused")
abstract class RunQueuePositions extends RunQueueDequeuePos {
    long p20, p21, p22, p23, p24, p25, p26, p27;

    static final VarHandle ENQUEUE_POS;
    static final VarHandle DEQUEUE_POS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENQUEUE_POS = l.findVarHandle(RunQueueEnqueuePos.class, "enqueuePos", long.class);
            DEQUEUE_POS = l.findVarHandle(RunQueueDequeuePos.class, "dequeuePos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
