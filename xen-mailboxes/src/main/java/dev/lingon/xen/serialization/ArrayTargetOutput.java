package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo's array {@link Output} writing straight into a region of a caller's heap array (the backing
 * array of a heap {@link java.nio.ByteBuffer}) between two indexes, never growing it: a message that
 * does not fit raises Kryo's buffer overflow, as {@link TargetOutput} does for any buffer.
 *
 * <p>Why a second target: {@code ByteBufferOutput} pays a bounds-checked {@code ByteBuffer.put} per
 * byte, and the sender's frame buffer is a heap buffer. The array output writes varints and bulk
 * copies into the array directly; on the mailbox sender those puts were about a third of Kryo's
 * samples. The bytes are those of {@link KryoSerializer#toBinary(Object)}, which uses the same
 * {@code Output}.
 *
 * <p>How the bound holds: {@code capacity} and {@code maxCapacity} are both the end index, so
 * {@code require} finds neither room nor a way to grow past it and throws
 * {@code KryoBufferOverflowException}; with no output stream, its {@code flush} does nothing.
 *
 * <p>Threads: part of a pooled {@link KryoContext}; used by the one thread that holds the context.
 */
final class ArrayTargetOutput extends Output {
    static final byte[] NONE = new byte[0];

    ArrayTargetOutput() {
        super(NONE, 0);
    }

    /** Writes into {@code array} from index {@code from} up to (not including) {@code end}. */
    void target(byte[] array, int from, int end) {
        buffer = array;
        position = from;
        capacity = end;
        maxCapacity = end;
        total = 0;
    }

    /** Drops the reference to the caller's array. */
    void release() {
        buffer = NONE;
        position = 0;
        capacity = 0;
        maxCapacity = 0;
    }
}
