package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.io.Input;

/**
 * Kryo's {@link Input} over one whole message in a {@code byte[]}, refusing lengths the bytes left
 * cannot hold (see {@link Bounds}) before Kryo allocates for them. Reading past the end fails with
 * Kryo's buffer underflow: there is no stream to refill from.
 *
 * <p>Threads: part of a pooled {@link KryoContext}; used by the one thread that holds the context.
 */
final class BoundedInput extends Input {

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
