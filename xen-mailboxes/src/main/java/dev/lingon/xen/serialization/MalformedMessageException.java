package dev.lingon.xen.serialization;

/**
 * Bytes handed to {@link KryoSerializer#fromBinary} are not a message this side can read: truncated,
 * corrupt, too deep, with trailing garbage, or naming a class id this side has not registered. It is
 * what Pekko's {@code Serializer} contract makes of {@link DecodeResult.Malformed}; callers that must
 * handle bad input as an expected outcome use {@link KryoSerializer#decode} instead.
 */
public final class MalformedMessageException extends KryoSerializationException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
