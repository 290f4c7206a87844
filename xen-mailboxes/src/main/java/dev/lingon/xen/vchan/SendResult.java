package dev.lingon.xen.vchan;

/** What happened to one frame offered to a {@link FramedVchan}. Expected outcomes, never exceptions. */
public sealed interface SendResult {

    /** The whole frame is in the ring and published. */
    record Sent() implements SendResult {
        static final Sent INSTANCE = new Sent();
    }

    /** Back-pressure: the ring has {@code free} bytes and the frame needs {@code needed}; nothing was written. Retry after the reader's notification. */
    record RingFull(int needed, int free) implements SendResult {
    }

    /** The frame can never fit: {@code length} payload bytes against at most {@code max}. Nothing was written. */
    record TooLarge(int length, int max) implements SendResult {
    }

    /** This end or the peer has closed; nothing was written. */
    record Closed() implements SendResult {
        static final Closed INSTANCE = new Closed();
    }

    static SendResult sent() {
        return Sent.INSTANCE;
    }

    default boolean isSent() {
        return this instanceof Sent;
    }
}
