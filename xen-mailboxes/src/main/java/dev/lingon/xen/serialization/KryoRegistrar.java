package dev.lingon.xen.serialization;

/**
 * Registers classes with a {@link KryoSerializer} from code. Implementations are named in
 * {@code lingon.serialization.kryo.registrars}, need a public no-argument constructor, and are called
 * once per serializer (that is, once per ActorSystem), on the thread that builds it, before the
 * serializer is used.
 */
@FunctionalInterface
public interface KryoRegistrar {

    void registerClasses(KryoRegistry registry);
}
