package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Wraps one of Kryo's array serializers, which write the length plus one as a varint and allocate the
 * array as soon as they read it: the length is peeked and checked against the bytes left first
 * ({@link Bounds}), so corrupt input cannot ask for a gigabyte.
 *
 * <p>Threads: belongs to one Kryo instance and hence to one thread at a time.
 */
final class GuardedArraySerializer<T> extends Serializer<T> {
    private final Serializer<T> array;

    GuardedArraySerializer(Serializer<T> array) {
        super(array.getAcceptsNull(), array.isImmutable());
        this.array = array;
    }

    /** The array serializer this one guards. */
    Serializer<T> guarded() {
        return array;
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
        array.write(kryo, output, object);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        int start = input.position();
        int lengthPlusOne = input.readVarInt(true);
        int left = Bounds.remaining(input);
        input.setPosition(start);
        if (lengthPlusOne != Kryo.NULL) {
            if (lengthPlusOne - 1 < 0 || lengthPlusOne - 1 > left) { // the class name only on the error path: getName() is not free
                Bounds.check(lengthPlusOne - 1, left, type.getName());
            }
        }
        return array.read(kryo, input, type);
    }
}
