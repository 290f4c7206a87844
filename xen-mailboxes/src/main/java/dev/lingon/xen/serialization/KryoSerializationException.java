package dev.lingon.xen.serialization;

/**
 * A message could not be turned into bytes, or bytes into a message, by the {@link KryoSerializer}.
 * The message names the class involved and, where Kryo knows it, the path of fields that led there.
 * Subclasses single out the two cases a caller acts on: {@link UnregisteredClassException} and
 * {@link MalformedMessageException}.
 */
public class KryoSerializationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KryoSerializationException(String message, Throwable cause) {
        super(message, cause);
    }

    public KryoSerializationException(String message) {
        super(message);
    }
}
