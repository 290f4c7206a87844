package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * A value of which there is one instance per JVM (a JDK comparator, Pekko's {@code Done}): nothing but
 * its class id travels, and reading gives back this JVM's instance.
 *
 * <p>Threads: immutable; may be shared.
 */
final class SingletonSerializer<T> extends Serializer<T> {
    private final T instance;

    SingletonSerializer(T instance) {
        super(false, true);
        this.instance = instance;
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> type) {
        return instance;
    }
}
