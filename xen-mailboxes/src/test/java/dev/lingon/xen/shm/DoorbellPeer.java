package dev.lingon.xen.shm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The child side of the cross-process doorbell test. The shared file holds two counters and two
 * doorbells: the parent bumps {@code ping} and rings bell A; this process waits on bell A for each new
 * value, answers by setting {@code pong} to it and ringing bell B, until {@code ping} reaches the count.
 *
 * <pre>
 *  0   s32 ping     8   doorbell A (parent → child)
 *  4   s32 pong     16  doorbell B (child → parent)
 * </pre>
 */
public final class DoorbellPeer {
    static final long PING = 0;
    static final long PONG = 4;
    static final long BELL_A = 8;
    static final long BELL_B = 16;
    static final long SIZE = 4096;
    static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private DoorbellPeer() {
    }

    public static void main(String[] args) {
        int count = Integer.parseInt(args[1]);
        try (ShmFile f = ShmFile.open(Path.of(args[0]))) {
            MemorySegment m = f.segment();
            Doorbell a = new Doorbell(m, BELL_A);
            Doorbell b = new Doorbell(m, BELL_B);
            for (int expect = 1; expect <= count; expect++) {
                int e = expect;
                if (!a.await(() -> (int) INT.getVolatile(m, PING) >= e, System.nanoTime() + 10_000_000_000L)) {
                    throw new IllegalStateException("no ping " + e + " within 10 s: a lost wake-up");
                }
                INT.getAndAdd(m, PONG, 1); // the RMW before the ring, as the protocol asks
                b.ring();
            }
        }
    }
}
