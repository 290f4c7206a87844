package dev.lingon.xen.serialization;

/**
 * What {@link KryoSerializer#decode} made of a buffer. A peer's bytes may be corrupt (a chaos test, a
 * bug, a peer with other registrations), so that outcome is a value the reader must handle, not an
 * exception.
 *
 * <p>Threads: immutable values.
 */
public sealed interface DecodeResult {

    /** The bytes were one whole message; {@code message} may be {@code null} if {@code null} was written. */
    record Decoded(Object message) implements DecodeResult {
    }

    /**
     * The bytes are not a message this side can read; {@code reason} says why (truncated, unknown class
     * id, trailing bytes, too deep, a length the buffer cannot hold …). Nothing was consumed.
     */
    record Malformed(String reason) implements DecodeResult {
    }
}
