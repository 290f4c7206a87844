package dev.lingon.xen.vchan;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Write combining for rings, per thread: frames written during one unit of work are published
 * together at its end, with one producer-index store and at most one event.
 *
 * <p>Why: publishing is the expensive part of a small frame. The producer index shares a cache line
 * with the peer's consumer index and notify bytes (libxenvchan's page layout), and the notification
 * check after it needs a full fence, so each publication stalls the writer for a cross-core cache
 * miss. An actor that sends a burst in one slice pays that once per burst instead of once per frame.
 * Xen's own rings do the same: {@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY} runs once after a batch of
 * requests, not after each.
 *
 * <p>Who uses it: a thread that runs work in slices and promises to call {@link #publishAll()} when
 * each slice ends, before it can block — the kernel scheduler's vCPU threads. Such a thread is a
 * {@link Carrier} of its scope; a writer on it finds the scope with {@link #current()} and
 * {@link #hold holds} its ring there instead of publishing. On any other thread {@link #current()} is
 * null and writers publish at once, so a plain thread never leaves frames unseen. Frames held by a slice that blocks
 * stay unseen until it ends, as every other actor on that vCPU waits for it; writers bound this by
 * publishing anyway once enough bytes are held.
 */
public final class WriteCombining {
    private static final Logger log = LoggerFactory.getLogger(WriteCombining.class);

    /** Something with written but unpublished frames. */
    @FunctionalInterface
    public interface Held {
        /** Publishes what this writer holds; must be safe to call when it holds nothing. */
        void publishHeld();
    }

    private Held[] held = new Held[4];
    private int count;
    /** The carrier's buffer for building frames before they are written (see {@link #frameBuffer()}). */
    private java.nio.ByteBuffer frameBuffer;

    /**
     * A thread that combines writes: it owns one scope and calls {@link #publishAll()} at the end of
     * every slice and before it exits. (A type test on the current thread, not a thread-local: writers
     * ask on every message.)
     */
    public interface Carrier {
        WriteCombining writeCombining();
    }

    private WriteCombining() {
    }

    /** A scope for a {@link Carrier} thread. */
    public static WriteCombining forCarrier() {
        return new WriteCombining();
    }

    /** The calling thread's scope, or null when writes on this thread must publish at once. */
    public static WriteCombining current() {
        return Thread.currentThread() instanceof Carrier c ? c.writeCombining() : null;
    }

    /** Remembers a writer to publish at the end of the slice; a writer held twice is published once. */
    public void hold(Held writer) {
        for (int i = 0; i < count; i++) {
            if (held[i] == writer) {
                return;
            }
        }
        if (count == held.length) {
            held = Arrays.copyOf(held, count * 2);
        }
        held[count++] = writer;
    }

    /**
     * A buffer this carrier thread's writers build frames in, or null before the first one is set.
     * It lives here because the scope is per thread and found without a thread-local lookup; one
     * writer uses it at a time (a frame is built and written before the next is started).
     */
    public java.nio.ByteBuffer frameBuffer() {
        return frameBuffer;
    }

    public void frameBuffer(java.nio.ByteBuffer buffer) {
        this.frameBuffer = buffer;
    }

    /** What one owner keeps on this carrier (see {@link #local}). */
    private record Local(Object owner, Object value) {
    }

    /**
     * The carrier-local slot, held weakly: the owner keeps the {@link Local} reachable (the token
     * {@link #keepLocal} returns), so what it keeps here lives exactly as long as the owner wants it,
     * and a thread that outlives its owner (a kernel whose actor system was terminated and replaced)
     * does not keep that owner's objects, or the system behind them, alive.
     */
    private java.lang.ref.WeakReference<Local> local;

    /**
     * What {@code owner} keeps on this carrier thread, or null if it keeps nothing here. One slot: a
     * vCPU thread serves one domain, so one serializer, which keeps its Kryo context here and takes it
     * without the compare-and-set a shared pool needs (see {@code KryoPool}).
     */
    public Object local(Object owner) {
        java.lang.ref.WeakReference<Local> r = local;
        Local l = r == null ? null : r.get();
        return l != null && l.owner() == owner ? l.value() : null;
    }

    /**
     * Makes {@code value} {@code owner}'s carrier-local object, if the slot is free (never used, or its
     * last owner let go of its token).
     *
     * @return the token the owner must keep reachable for as long as the value should stay here, or
     *         null (and nothing kept) if the slot is taken
     */
    public Object keepLocal(Object owner, Object value) {
        java.lang.ref.WeakReference<Local> r = local;
        if (r != null && r.get() != null) {
            return null;
        }
        Local l = new Local(owner, value);
        local = new java.lang.ref.WeakReference<>(l);
        return l;
    }

    /** How many writers hold frames now. */
    public int holding() {
        return count;
    }

    /** Publishes every held writer. One that fails is logged; the others are still published. */
    public void publishAll() {
        int n = count;
        if (n == 0) {
            return;
        }
        count = 0;
        for (int i = 0; i < n; i++) {
            Held h = held[i];
            held[i] = null;
            try {
                h.publishHeld();
            } catch (RuntimeException e) {
                log.error("publishing held frames of {} failed", h, e);
            }
        }
    }
}
