package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;

/**
 * Kryo's {@link ByteBufferInput} over one whole message between a buffer's position and limit (a ring
 * slot, an Artery envelope), refusing lengths the bytes left cannot hold (see {@link Bounds}). Unlike
 * its parent it never compacts or refills the caller's buffer: running out of bytes is underflow.
 *
 * <p>Threads: part of a pooled {@link KryoContext}; used by the one thread that holds the context.
 */
final class BoundedByteBufferInput extends ByteBufferInput {

    @Override
    protected int require(int required) {
        int remaining = limit - position;
        if (remaining >= required) {
            return remaining;
        }
        throw new KryoBufferUnderflowException("Buffer underflow: " + required + " bytes needed, " + remaining + " left.");
    }

    @Override
    protected int optional(int optional) {
        int remaining = limit - position;
        if (remaining >= optional) {
            return optional;
        }
        return remaining == 0 ? -1 : remaining;
    }

    @Override
    public byte[] readBytes(int length) {
        Bounds.check(length, limit - position, "byte array");
        return super.readBytes(length);
    }

    @Override
    public String readString() {
        if (readVarIntFlag()) {
            int start = position;
            int charCount = readVarIntFlag(true);
            int left = limit - position;
            setPosition(start);
            Bounds.check(charCount - 1, left, "string");
        }
        return super.readString();
    }
}
