package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;

/**
 * Kryo's {@link Input} over one whole message in a {@code byte[]}, refusing lengths the bytes left
 * cannot hold (see {@link Bounds}) before Kryo allocates for them. Reading past the end fails with
 * Kryo's buffer underflow: there is no stream to refill from, and nothing is compacted.
 *
 * <p>Threads: part of a pooled {@link KryoContext}; used by the one thread that holds the context.
 */
final class BoundedInput extends Input {

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
            position = start;
            Bounds.check(charCount - 1, left, "string");
        }
        return super.readString();
    }
}
