package dev.lingon.xen.vchan;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Length-prefixed messages on a {@link Vchan}. Each frame is a 4-byte little-endian payload length
 * followed by the payload, written into the ring whole and published with one producer-index store,
 * so a reader never sees part of a frame and a full ring refuses the frame instead of splitting it.
 *
 * <pre>
 *  +----------------+---------------------------+
 *  | u32 length LE  | payload (length bytes)    |   wraps around the ring end like any bytes
 *  +----------------+---------------------------+
 * </pre>
 *
 * A frame may be at most {@code ringSize − 4} payload bytes; larger ones are refused with
 * {@link SendResult.TooLarge} (fragmenting is the caller's choice, above this layer). A reader that
 * finds a length the ring could never hold reports {@link ReceiveResult.Corrupt}.
 *
 * <p>Threads: as {@link Vchan}, one sending and one receiving thread at a time.
 */
public final class FramedVchan implements AutoCloseable {
    public static final int HEADER_BYTES = 4;

    /** Receives one frame; the segment is valid only during the call. */
    @FunctionalInterface
    public interface FrameHandler {
        void onFrame(MemorySegment payload, int length);
    }

    private final Vchan vchan;
    /** False for a {@link #polling} end: finding too little data or space asks the peer for nothing. */
    private final boolean requestNotify;
    private MemorySegment scratch;

    /** An end that may wait: finding too little data or space asks the peer for an event, as libxenvchan does. */
    public FramedVchan(Vchan vchan) {
        this(vchan, true);
    }

    /**
     * An end whose threads spin instead of waiting: finding the read ring empty or the write ring full
     * does not ask the peer for an event. Xen's ring consumers arm their event only in the final check
     * before going idle ({@code RING_FINAL_CHECK_FOR_REQUESTS}); a spinning end that armed on every
     * empty or full look would make its peer clear the bit with a locked instruction and send an event
     * for nearly every frame, which no one waits for. Do not {@link Vchan#awaitEvent} on such an end
     * without calling {@link Vchan#dataReady()} or {@link Vchan#bufferSpace()} first, which arm.
     */
    public static FramedVchan polling(Vchan vchan) {
        return new FramedVchan(vchan, false);
    }

    private FramedVchan(Vchan vchan, boolean requestNotify) {
        this.vchan = vchan;
        this.requestNotify = requestNotify;
        // On the heap: a frame handler that wraps it in a ByteBuffer gets a heap buffer, which readers
        // such as Kryo's array Input consume without a bounds-checked call per byte.
        this.scratch = MemorySegment.ofArray(new byte[Math.max(64, vchan.readRingSize())]);
    }

    public Vchan vchan() {
        return vchan;
    }

    /** The largest payload a frame on the write ring can carry. */
    public int maxPayload() {
        return vchan.writeRingSize() - HEADER_BYTES;
    }

    public SendResult trySend(byte[] payload) {
        return trySend(MemorySegment.ofArray(payload), 0, payload.length);
    }

    /** Writes one whole frame and publishes it, or writes nothing. */
    public SendResult trySend(MemorySegment payload, long offset, int length) {
        SendResult r = tryWrite(payload, offset, length);
        if (r.isSent()) {
            publishWritten();
        }
        return r;
    }

    /**
     * Writes one whole frame without publishing it, or writes nothing: the reader sees it at the next
     * {@link #publishWritten()} (or the next {@link #trySend}), together with every frame written
     * since. For write combining (see {@link WriteCombining}).
     */
    public SendResult tryWrite(MemorySegment payload, long offset, int length) {
        SendResult refused = refusal(length);
        if (refused != null) {
            return refused;
        }
        vchan.writeRing().put(vchan.localProd() + HEADER_BYTES, payload, offset, length);
        return wrote(length);
    }

    /** {@link #tryWrite(MemorySegment, long, int)} from a heap array (a sender's frame buffer). */
    public SendResult tryWrite(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        SendResult refused = refusal(length);
        if (refused != null) {
            return refused;
        }
        vchan.writeRing().put(vchan.localProd() + HEADER_BYTES, payload, offset, length);
        return wrote(length);
    }

    /** Why a frame of {@code length} bytes cannot be written now, or null if it fits. */
    private SendResult refusal(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("frame length must not be negative, got " + length);
        }
        if (length > maxPayload()) {
            return new SendResult.TooLarge(length, maxPayload());
        }
        if (!vchan.isOpen()) {
            return SendResult.Closed.INSTANCE;
        }
        int need = HEADER_BYTES + length;
        int free = requestNotify ? vchan.fastBufferSpace(need) : vchan.pollBufferSpace(need);
        if (free < need) {
            return new SendResult.RingFull(need, free);
        }
        return null;
    }

    /** Completes a frame whose payload is in the ring behind the local producer index's header room: the length header, then the index. */
    private SendResult wrote(int length) {
        int need = HEADER_BYTES + length;
        vchan.writeRing().putIntLE(vchan.localProd(), length);
        vchan.advanceLocalProd(need);
        written += need;
        totalWritten += need;
        return SendResult.sent();
    }

    /** Bytes written by {@link #tryWrite} and not yet published. */
    private int written;

    /** Every byte this end has written into its ring, frame headers included. */
    private long totalWritten;

    /** Bytes this end has written into its ring so far, frame headers included (writer's thread). */
    public long bytesWritten() {
        return totalWritten;
    }

    /** Bytes written and not yet published. */
    public int unpublishedBytes() {
        return written;
    }

    /** Publishes the frames written since the last publication: one index store, at most one event. */
    public void publishWritten() {
        int n = written;
        if (n != 0) {
            written = 0;
            // Only this end's own close matters (its pages are gone); publishing to a peer that has
            // left is harmless, and asking would read the peer's live byte on every publication.
            if (!vchan.closedHere()) {
                vchan.publish(n);
            }
        }
    }

    /**
     * Takes at most one frame. The frame is copied out and consumed before the handler runs, so the
     * writer can reuse its space at once; a handler that throws loses only its own frame.
     */
    public ReceiveResult tryReceive(FrameHandler handler) {
        ReceiveResult r = receive(handler, true);
        return r == FRAME ? new ReceiveResult.Received(receivedLength) : r;
    }

    /**
     * What {@link #receive} returns for a frame handed over, its length left in {@link #receivedLength}: a
     * drain takes hundreds of frames per call, and a result object per frame that the last one is kept
     * in cannot be optimised away.
     */
    private static final ReceiveResult FRAME = new ReceiveResult.Received(-1);
    private int receivedLength;

    private ReceiveResult receive(FrameHandler handler, boolean publish) {
        ByteRing ring = vchan.readRing();
        // Frames the producer index last read already covers are taken without touching the shared
        // page: libxenvchan keeps both rings' indexes and the live and notify bytes on one cache
        // line, which the writer stores to on every publication, so each needless read of it is a
        // cross-core miss that also makes the writer's next store wait. Every byte below that index
        // was published whole, so whether the peer has closed since does not matter for it.
        int ready = vchan.cachedReady();
        boolean open = true;
        if (ready < HEADER_BYTES) {
            // Liveness is read before the data, so "closed and nothing left" cannot hide a last frame
            // that was published just before the peer closed.
            open = vchan.isOpen();
            ready = requestNotify ? vchan.fastDataReady(HEADER_BYTES) : vchan.pollDataReady(HEADER_BYTES);
            if (ready < HEADER_BYTES) {
                if (vchan.readRingCorrupt()) {
                    return new ReceiveResult.Corrupt("read ring indexes are impossible: prod " + Integer.toUnsignedString(ring.prod())
                            + ", cons " + Integer.toUnsignedString(vchan.localCons()) + ", size " + ring.size());
                }
                if (open) {
                    return ReceiveResult.Empty.INSTANCE;
                }
                return ready == 0 ? ReceiveResult.Closed.INSTANCE
                        : new ReceiveResult.Corrupt("peer closed after " + ready + " bytes of a frame header");
            }
        }
        int cons = vchan.localCons();
        int length = ring.getIntLE(cons);
        if (length < 0 || length > ring.size() - HEADER_BYTES) {
            return new ReceiveResult.Corrupt("frame header says " + Integer.toUnsignedString(length)
                    + " bytes; a ring of " + ring.size() + " holds at most " + (ring.size() - HEADER_BYTES));
        }
        int need = HEADER_BYTES + length;
        if (ready < need) {
            open = vchan.isOpen();
            ready = requestNotify ? vchan.fastDataReady(need) : vchan.pollDataReady(need);
            if (ready < need) {
                if (open) {
                    return ReceiveResult.Empty.INSTANCE;
                }
                return new ReceiveResult.Corrupt("peer closed in the middle of a " + length + "-byte frame (" + (ready - HEADER_BYTES) + " bytes arrived)");
            }
        }
        if (scratch.byteSize() < length) {
            scratch = MemorySegment.ofArray(new byte[length]);
        }
        ring.get(cons + HEADER_BYTES, scratch, 0, length);
        vchan.consumed(need, publish);
        receivedLength = length;
        handler.onFrame(scratch, length);
        return FRAME;
    }

    /**
     * Takes up to {@code max} frames; returns how many, stopping at the first non-frame result (see
     * {@link #lastResult}). The consumer index is published once for the batch (and at least every
     * quarter ring, so a writer waiting for space is not held back by a long batch).
     */
    public int drain(FrameHandler handler, int max) {
        int n = 0;
        int quarter = vchan.readRingSize() / 4;
        int sincePublish = 0;
        try {
            while (n < max) {
                int before = vchan.localCons();
                ReceiveResult r = receive(handler, false);
                if (r != FRAME) {
                    last = r;
                    break;
                }
                n++;
                if (n == max) {
                    last = new ReceiveResult.Received(receivedLength);
                }
                sincePublish += vchan.localCons() - before;
                if (sincePublish >= quarter) {
                    vchan.publishConsumed();
                    sincePublish = 0;
                }
            }
        } finally {
            vchan.publishConsumed();
        }
        return n;
    }

    private ReceiveResult last = ReceiveResult.Empty.INSTANCE;

    /** The result that ended the last {@link #drain}. */
    public ReceiveResult lastResult() {
        return last;
    }

    @Override
    public void close() {
        vchan.close();
    }
}
