package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.io.ByteBufferOutput;

import java.nio.ByteBuffer;

/**
 * Kryo's {@link ByteBufferOutput} writing straight into a caller's buffer (an off-heap ring slot, an
 * Artery envelope) between its position and its limit, never growing it: a message that does not fit
 * raises Kryo's buffer overflow, which {@link KryoSerializer#encode} turns into
 * {@link KryoSerializer#DOES_NOT_FIT}. Writes are byte by byte, little-endian, whatever the buffer's
 * {@link java.nio.ByteOrder}, so the bytes equal those of {@link KryoSerializer#toBinary(Object)}.
 *
 * <p>Threads: part of a pooled {@link KryoContext}; used by the one thread that holds the context.
 */
final class TargetOutput extends ByteBufferOutput {
    static final ByteBuffer NONE = ByteBuffer.allocate(0);

    TargetOutput() {
        super(NONE, 0);
    }

    /** Writes from {@code target.position()} up to {@code target.limit()}. */
    void target(ByteBuffer target) {
        setBuffer(target, target.limit());
        capacity = target.limit();
    }

    /** Drops the reference to the caller's buffer. */
    void release() {
        setBuffer(NONE, 0);
    }
}
