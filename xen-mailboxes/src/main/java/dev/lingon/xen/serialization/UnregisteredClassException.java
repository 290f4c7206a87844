package dev.lingon.xen.serialization;

/**
 * A message (or something inside it) is of a class the serializer was not told about. Kryo runs with
 * registration required and Java serialization is never a fallback, so this is a configuration
 * mistake: the message says which class and how to register it (the configuration key, or the
 * {@link KryoRegistry} call from a {@link KryoRegistrar}).
 */
public final class UnregisteredClassException extends KryoSerializationException {
    private static final long serialVersionUID = 1L;

    private final String unregisteredClass;

    public UnregisteredClassException(String unregisteredClass, String message, Throwable cause) {
        super(message, cause);
        this.unregisteredClass = unregisteredClass;
    }

    public UnregisteredClassException(String unregisteredClass, String message) {
        super(message);
        this.unregisteredClass = unregisteredClass;
    }

    /** The binary name ({@link Class#getName()}) of the class that is not registered. */
    public String unregisteredClass() {
        return unregisteredClass;
    }
}
