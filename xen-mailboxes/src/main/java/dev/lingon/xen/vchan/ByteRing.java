package dev.lingon.xen.vchan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One direction of a vchan: a {@code ring_shared {cons, prod}} pair in the shared page and a ring
 * buffer of 2^order bytes. Indexes are free-running u32 counters compared with unsigned arithmetic,
 * as libxenvchan does. One thread reads and one thread writes at a time.
 *
 * <p>Ordering: the writer copies bytes, then stores prod (volatile, so also after its earlier reads
 * of cons); the reader loads prod (volatile) before copying bytes, then stores cons (volatile) after.
 * Volatile (sequentially consistent) accesses also give the full barriers libxenvchan places around
 * its notify bits ({@code xen_mb()}).
 */
final class ByteRing {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment shared;
    private final long consOffset;
    private final long prodOffset;
    /** The ring's bytes: one chunk for an in-page ring, else one chunk per granted page (not contiguous). */
    private final MemorySegment[] chunks;
    private final int chunkShift;
    private final int size;

    ByteRing(MemorySegment shared, long consOffset, long prodOffset, MemorySegment[] chunks, int order) {
        this.shared = shared;
        this.consOffset = consOffset;
        this.prodOffset = prodOffset;
        this.size = 1 << order;
        this.chunkShift = Math.min(order, 12);
        int chunkSize = 1 << chunkShift;
        if (chunks.length != size / chunkSize) {
            throw new IllegalArgumentException("a ring of order " + order + " needs " + (size / chunkSize) + " chunks, got " + chunks.length);
        }
        for (MemorySegment c : chunks) {
            if (c.byteSize() < chunkSize) {
                throw new IllegalArgumentException("ring chunk of " + c.byteSize() + " bytes is smaller than " + chunkSize);
            }
        }
        this.chunks = chunks;
    }

    int size() {
        return size;
    }

    int prod() {
        return (int) INT.getVolatile(shared, prodOffset);
    }

    int cons() {
        return (int) INT.getVolatile(shared, consOffset);
    }

    /** Bytes readable; 0 if the indexes are corrupt (more than the ring holds), as libxenvchan locks up rather than misreads. */
    int dataReady() {
        int ready = prod() - cons();
        return Integer.compareUnsigned(ready, size) > 0 ? 0 : ready;
    }

    /** True when the indexes claim more data than the ring can hold: a peer corrupted the ring. */
    boolean corrupt() {
        return Integer.compareUnsigned(prod() - cons(), size) > 0;
    }

    /** Bytes writable given the writer's own (possibly unpublished) producer index. */
    int bufferSpace(int localProd) {
        int space = size - (localProd - cons());
        return Integer.compareUnsigned(space, size) > 0 ? 0 : space;
    }

    /** Copies {@code len} bytes into the ring at the writer's index {@code at}, wrapping; does not publish. */
    void put(int at, MemorySegment src, long srcOffset, int len) {
        int chunkMask = (1 << chunkShift) - 1;
        int idx = at & (size - 1);
        while (len > 0) {
            int inChunk = idx & chunkMask;
            int n = Math.min(len, chunkMask + 1 - inChunk);
            MemorySegment.copy(src, srcOffset, chunks[idx >>> chunkShift], inChunk, n);
            srcOffset += n;
            len -= n;
            idx = (idx + n) & (size - 1);
        }
    }

    /** {@link #put(int, MemorySegment, long, int)} from a heap array, without wrapping it in a segment first. */
    void put(int at, byte[] src, int srcOffset, int len) {
        int chunkMask = (1 << chunkShift) - 1;
        int idx = at & (size - 1);
        while (len > 0) {
            int inChunk = idx & chunkMask;
            int n = Math.min(len, chunkMask + 1 - inChunk);
            MemorySegment.copy(src, srcOffset, chunks[idx >>> chunkShift], ValueLayout.JAVA_BYTE, inChunk, n);
            srcOffset += n;
            len -= n;
            idx = (idx + n) & (size - 1);
        }
    }

    private MemorySegment chunkAt(int idx) {
        return chunks[(idx & (size - 1)) >>> chunkShift];
    }

    private long offsetAt(int idx) {
        return idx & (size - 1) & ((1 << chunkShift) - 1);
    }

    void putIntLE(int at, int value) {
        long off = offsetAt(at);
        if (off + 4 <= (1 << chunkShift)) {
            chunkAt(at).set(LE_INT, off, value);
            return;
        }
        for (int i = 0; i < 4; i++) {
            chunkAt(at + i).set(ValueLayout.JAVA_BYTE, offsetAt(at + i), (byte) (value >>> (8 * i)));
        }
    }

    void publishProd(int prod) {
        INT.setVolatile(shared, prodOffset, prod);
    }

    /** Copies {@code len} bytes out of the ring at the reader's index {@code at}, wrapping; does not consume. */
    void get(int at, MemorySegment dst, long dstOffset, int len) {
        int chunkMask = (1 << chunkShift) - 1;
        int idx = at & (size - 1);
        while (len > 0) {
            int inChunk = idx & chunkMask;
            int n = Math.min(len, chunkMask + 1 - inChunk);
            MemorySegment.copy(chunks[idx >>> chunkShift], inChunk, dst, dstOffset, n);
            dstOffset += n;
            len -= n;
            idx = (idx + n) & (size - 1);
        }
    }

    int getIntLE(int at) {
        long off = offsetAt(at);
        if (off + 4 <= (1 << chunkShift)) {
            return chunkAt(at).get(LE_INT, off);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (chunkAt(at + i).get(ValueLayout.JAVA_BYTE, offsetAt(at + i)) & 0xFF) << (8 * i);
        }
        return v;
    }

    void publishCons(int cons) {
        INT.setVolatile(shared, consOffset, cons);
    }
}
