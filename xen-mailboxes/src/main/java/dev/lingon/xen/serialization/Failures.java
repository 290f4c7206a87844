package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;

import java.nio.BufferOverflowException;

/** Turns what Kryo threw into the serializer's exceptions and reasons, naming the classes involved. Stateless. */
final class Failures {
    private static final String TRACE = "Serialization trace:";

    private Failures() {
    }

    static boolean isOverflow(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KryoBufferOverflowException || t instanceof BufferOverflowException) {
                return true;
            }
        }
        return false;
    }

    /** The exception to throw for a message that could not be written. */
    static KryoSerializationException write(Object message, Throwable failure, int maxMessageSize) {
        String what = "lingon-kryo cannot serialize a message of class " + className(message);
        String trace = trace(failure);
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnregisteredClassException unregistered) {
                return new UnregisteredClassException(unregistered.unregisteredClass(),
                        what + ": " + unregistered.getMessage() + trace, failure);
            }
        }
        if (isOverflow(failure)) {
            return new KryoSerializationException(what + ": it is larger than " + maxMessageSize
                    + " bytes (lingon.serialization.kryo.max-message-size)" + trace, failure);
        }
        if (depthExceeded(failure)) {
            return new KryoSerializationException(what + ": it nests deeper than lingon.serialization.kryo.max-depth"
                    + " (or holds a cycle; messages must be trees)" + trace, failure);
        }
        return new KryoSerializationException(what + ": " + rootMessage(failure) + trace, failure);
    }

    /** Why bytes could not be read, with the byte offset Kryo had reached. */
    static String read(Throwable failure, int offset, int length) {
        String reason;
        if (underflow(failure)) {
            reason = "truncated: the message ends before its last field";
        } else if (depthExceeded(failure)) {
            reason = "nests deeper than lingon.serialization.kryo.max-depth";
        } else if (failure instanceof StackOverflowError) {
            reason = "nests too deep for the reading thread's stack";
        } else {
            reason = rootMessage(failure);
        }
        return "malformed message (" + length + " bytes, failed at offset " + offset + "): " + reason + trace(failure);
    }

    private static boolean underflow(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KryoBufferUnderflowException) {
                return true;
            }
        }
        return false;
    }

    private static boolean depthExceeded(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KryoException && t.getMessage() != null && t.getMessage().startsWith("Max depth exceeded")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message != null) {
            int trace = message.indexOf(TRACE);
            if (trace >= 0) {
                message = message.substring(0, trace).strip();
            }
        }
        return root.getClass().getSimpleName() + (message == null || message.isEmpty() ? "" : ": " + message);
    }

    /** The field path Kryo recorded on the outermost exception, or "". */
    private static String trace(Throwable failure) {
        if (failure instanceof KryoException) {
            String message = failure.getMessage();
            int at = message == null ? -1 : message.indexOf(TRACE);
            if (at >= 0) {
                return "\n" + message.substring(at);
            }
        }
        return "";
    }

    private static String className(Object message) {
        return message == null ? "null" : message.getClass().getName();
    }
}
