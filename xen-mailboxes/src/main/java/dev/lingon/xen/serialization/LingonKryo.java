package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;

import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Kryo with registration required, no reference tracking (messages are trees; a cycle exceeds the
 * depth limit instead of recursing until the stack overflows), a depth limit, objects of ordinary
 * classes created through their no-argument constructor or, lacking one, without a constructor as Java
 * deserialization does (Objenesis; records always go through their canonical constructor), and an
 * {@link UnregisteredClassException} that says how to register the class instead of Kryo's
 * {@code kryo.register(..)} hint.
 *
 * <p>Threads: one thread at a time, the holder of its {@link KryoContext}.
 */
final class LingonKryo extends Kryo {

    LingonKryo(StableClassResolver resolver, int maxDepth) {
        super(resolver, null);
        setRegistrationRequired(true);
        setReferences(false);
        setMaxDepth(maxDepth);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
        if (type == null) {
            return super.getRegistration(null);
        }
        try {
            return super.getRegistration(type);
        } catch (IllegalArgumentException notRegistered) {
            throw new UnregisteredClassException(type.getName(), Advice.unregistered(type));
        }
    }
}
