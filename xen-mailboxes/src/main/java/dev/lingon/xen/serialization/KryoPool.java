package dev.lingon.xen.serialization;

import dev.lingon.xen.vchan.WriteCombining;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A bounded set of idle {@link KryoContext}s. Taking and giving back is a compare-and-set on a slot,
 * starting at a slot chosen by the calling thread's id so that threads rarely meet; no lock, no queue
 * node, no allocation. When every slot is empty a new context is built (costly: each Kryo registers
 * every class), and a context given back to a full pool is dropped.
 *
 * <p>Threads: shared by every thread that serializes through one {@link KryoSerializer}.
 */
final class KryoPool {
    private final AtomicReferenceArray<KryoContext> slots;
    private final Supplier<KryoContext> factory;
    /**
     * The tokens of the contexts carrier threads keep (one per vCPU thread that has serialized through
     * this pool): the carriers hold them weakly, so they live as long as this pool, and no longer.
     */
    private final List<Object> keptByCarriers = new CopyOnWriteArrayList<>();

    KryoPool(int size, Supplier<KryoContext> factory) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + size);
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.factory = factory;
    }

    KryoContext acquire() {
        // On a vCPU thread, its own context: no compare-and-set. Besides its own cost, a locked
        // instruction waits for the thread's earlier stores to drain, and a mailbox sender's earlier
        // stores include ring writes to lines the reader's core holds.
        WriteCombining carrier = WriteCombining.current();
        if (carrier != null) {
            if (carrier.local(this) instanceof KryoContext own) {
                if (!own.lent) { // lent: a serializer nested in another serialization on this thread
                    own.lent = true;
                    return own;
                }
            } else {
                KryoContext own = take();
                Object token = carrier.keepLocal(this, own);
                if (token != null) {
                    keptByCarriers.add(token);
                    own.carrierLocal = true;
                    own.lent = true;
                }
                return own;
            }
        }
        return take();
    }

    private KryoContext take() {
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            KryoContext context = slots.get(slot);
            if (context != null && slots.compareAndSet(slot, context, null)) {
                return context;
            }
        }
        return factory.get();
    }

    void release(KryoContext context) {
        context.clear();
        if (context.carrierLocal) {
            context.lent = false;
            return;
        }
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, context)) {
                return;
            }
        }
    }

    /** Number of idle contexts, for tests. */
    int idle() {
        int idle = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                idle++;
            }
        }
        return idle;
    }

    /** The calling thread's first slot: a 32-bit modulo (thread ids are positive), not a 64-bit division, twice per message. */
    private static int start(int n) {
        return Math.floorMod((int) Thread.currentThread().threadId(), n);
    }
}
