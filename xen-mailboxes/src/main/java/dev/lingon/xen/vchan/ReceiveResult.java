package dev.lingon.xen.vchan;

/** What one attempt to take a frame from a {@link FramedVchan} found. */
public sealed interface ReceiveResult {

    /** A frame of {@code length} payload bytes was handed to the handler and consumed. */
    record Received(int length) implements ReceiveResult {
    }

    /** No whole frame yet; the reader has asked to be notified when more arrives. */
    record Empty() implements ReceiveResult {
        static final Empty INSTANCE = new Empty();
    }

    /** The peer closed and every whole frame has been read. */
    record Closed() implements ReceiveResult {
        static final Closed INSTANCE = new Closed();
    }

    /**
     * The ring cannot be read any further: impossible indexes, a frame header longer than the ring,
     * or the peer closed in the middle of a frame. The channel should be closed; {@code reason} says why.
     */
    record Corrupt(String reason) implements ReceiveResult {
    }
}
