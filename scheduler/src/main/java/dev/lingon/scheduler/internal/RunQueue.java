package dev.lingon.scheduler.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A vCPU's run queue: a bounded multi-producer, multi-consumer FIFO on an array (Vyukov's
 * sequence-numbered ring), with an unbounded overflow queue for bursts beyond its capacity. No
 * allocation per task while it fits, and an O(1) length for the kernel's wake and steal decisions.
 *
 * <p>Order: while the overflow holds anything, new tasks join the overflow too, and the array is
 * served first; so tasks from one producer come out in the order they went in. Thread-safe.
 */
final class RunQueue {
    private static final int CAPACITY = 1 << 13;
    private static final int MASK = CAPACITY - 1;

    private final Runnable[] buffer = new Runnable[CAPACITY];
    private final AtomicLongArray sequence = new AtomicLongArray(CAPACITY);
    /** Padding keeps the producer and consumer counters on separate cache lines. */
    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    private final AtomicLong enqueuePos = new AtomicLong();
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    private final AtomicLong dequeuePos = new AtomicLong();
    @SuppressWarnings("unused")
    private long p21, p22, p23, p24, p25, p26, p27;
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
        long pos = enqueuePos.get();
        while (true) {
            int idx = (int) pos & MASK;
            long seq = sequence.get(idx);
            long dif = seq - pos;
            if (dif == 0) {
                if (enqueuePos.compareAndSet(pos, pos + 1)) {
                    buffer[idx] = task;
                    // Publishes the slot: a consumer that sees this sequence sees the task. A release
                    // store is enough (Vyukov's queue); a volatile one would fence every submit. The
                    // idle/wake handshake does not rest on it: it pairs the CAS on enqueuePos above
                    // with the idle flag, and isEmpty/size read the positions.
                    sequence.setRelease(idx, pos + 1);
                    return true;
                }
                pos = enqueuePos.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = enqueuePos.get();
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
        long pos = dequeuePos.get();
        while (true) {
            int idx = (int) pos & MASK;
            long seq = sequence.get(idx);
            long dif = seq - (pos + 1);
            if (dif == 0) {
                if (dequeuePos.compareAndSet(pos, pos + 1)) {
                    Runnable t = buffer[idx];
                    buffer[idx] = null;
                    // Frees the slot for the producer one lap later (release, as above).
                    sequence.setRelease(idx, pos + CAPACITY);
                    return t;
                }
                pos = dequeuePos.get();
            } else if (dif < 0) {
                return null;
            } else {
                pos = dequeuePos.get();
            }
        }
    }

    /** Tasks waiting, approximately (exact when nothing moves). */
    int size() {
        long n = enqueuePos.get() - dequeuePos.get();
        return (int) Math.max(0, n) + (overflowing ? overflow.size() : 0);
    }

    boolean isEmpty() {
        return enqueuePos.get() == dequeuePos.get() && (!overflowing || overflow.isEmpty());
    }
}
