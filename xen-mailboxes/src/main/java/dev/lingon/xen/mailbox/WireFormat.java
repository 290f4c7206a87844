package dev.lingon.xen.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encoding and decoding of {@link WireFrame}s. Encoding appends to a little-endian {@link ByteBuffer}
 * the caller owns; decoding reads one frame's bytes and answers a frame or throws
 * {@link MalformedFrameException} naming what was wrong — a malformed frame closes its channel, never
 * the domain. Stateless.
 */
final class WireFormat {
    private static final VarHandle ARRAY_LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private WireFormat() {
    }

    static final class MalformedFrameException extends Exception {
        MalformedFrameException(String message) {
            super(message);
        }
    }

    /** A string as it goes on the wire (u16 length + UTF-8), for strings sent again and again. */
    static byte[] encodeString(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("a string on the wire is at most 65535 bytes, got " + bytes.length);
        }
        byte[] out = new byte[bytes.length + 2];
        out[0] = (byte) bytes.length;
        out[1] = (byte) (bytes.length >>> 8);
        System.arraycopy(bytes, 0, out, 2, bytes.length);
        return out;
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new IllegalArgumentException("a string on the wire is at most 65535 bytes, got " + bytes.length);
        }
        b.putShort((short) bytes.length);
        b.put(bytes);
    }

    static void hello(ByteBuffer b, int domid, long generation, String systemName) {
        b.put(WireFrame.HELLO).putShort((short) domid).putLong(generation);
        putString(b, systemName);
    }

    /** Bytes {@link #deliverHeader} writes. */
    static int deliverHeaderLength(byte[] recipientEncoded, byte[] senderEncoded, byte[] manifestEncoded) {
        return 1 + recipientEncoded.length + senderEncoded.length + 4 + manifestEncoded.length;
    }

    /**
     * Writes a DELIVER header at the start of {@code frame}, whose payload already follows the
     * header's room ({@link #deliverHeaderLength} bytes), from strings already encoded by
     * {@link #encodeString} (u16 length + UTF-8), so a stream of messages between the same actors
     * encodes each path once.
     */
    static void deliverHeader(byte[] frame, byte[] recipientEncoded, byte[] senderEncoded, int serializerId, byte[] manifestEncoded) {
        int at = 0;
        frame[at++] = WireFrame.DELIVER;
        System.arraycopy(recipientEncoded, 0, frame, at, recipientEncoded.length);
        at += recipientEncoded.length;
        System.arraycopy(senderEncoded, 0, frame, at, senderEncoded.length);
        at += senderEncoded.length;
        ARRAY_LE_INT.set(frame, at, serializerId);
        at += 4;
        System.arraycopy(manifestEncoded, 0, frame, at, manifestEncoded.length);
    }

    static void watch(ByteBuffer b, byte kind, String watchee, String watcher) {
        b.put(kind);
        putString(b, watchee);
        putString(b, watcher);
    }

    static void death(ByteBuffer b, String path) {
        b.put(WireFrame.DEATH);
        putString(b, path);
    }

    static void goodbye(ByteBuffer b) {
        b.put(WireFrame.GOODBYE);
    }

    private static String getString(ByteBuffer b, String what) throws MalformedFrameException {
        if (b.remaining() < 2) {
            throw new MalformedFrameException("frame ends where the length of " + what + " should be");
        }
        int len = b.getShort() & 0xFFFF;
        if (b.remaining() < len) {
            throw new MalformedFrameException(what + " claims " + len + " bytes but the frame has " + b.remaining() + " left");
        }
        String s;
        if (b.hasArray()) {
            s = new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
            b.position(b.position() + len);
        } else {
            byte[] bytes = new byte[len];
            b.get(bytes);
            s = new String(bytes, StandardCharsets.UTF_8);
        }
        return s;
    }

    /** The bytes of a string field (without its length), as a view; for fields compared more often than read. */
    private static ByteBuffer rawString(ByteBuffer b, String what) throws MalformedFrameException {
        if (b.remaining() < 2) {
            throw new MalformedFrameException("frame ends where the length of " + what + " should be");
        }
        int len = b.getShort() & 0xFFFF;
        if (b.remaining() < len) {
            throw new MalformedFrameException(what + " claims " + len + " bytes but the frame has " + b.remaining() + " left");
        }
        ByteBuffer view = b.slice(b.position(), len);
        b.position(b.position() + len);
        return view;
    }

    static String utf8(ByteBuffer utf8) {
        byte[] bytes = new byte[utf8.remaining()];
        utf8.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Decodes one frame; {@code b} holds exactly the frame's bytes, little-endian. */
    static WireFrame decode(ByteBuffer b) throws MalformedFrameException {
        b.order(ByteOrder.LITTLE_ENDIAN);
        if (!b.hasRemaining()) {
            throw new MalformedFrameException("empty frame");
        }
        byte kind = b.get();
        try {
            WireFrame f = switch (kind) {
                case WireFrame.HELLO -> new WireFrame.Hello(b.getShort() & 0xFFFF, b.getLong(), getString(b, "system name"));
                case WireFrame.DELIVER -> {
                    ByteBuffer recipient = rawString(b, "recipient");
                    ByteBuffer sender = rawString(b, "sender");
                    int ser = b.getInt();
                    ByteBuffer manifest = rawString(b, "manifest");
                    yield new WireFrame.Deliver(recipient, sender, ser, manifest, b.slice().order(ByteOrder.LITTLE_ENDIAN));
                }
                // The stream's common case: the payload is the rest of the frame, read in place.
                case WireFrame.AGAIN -> new WireFrame.Again(b);
                case WireFrame.WATCH -> new WireFrame.Watch(getString(b, "watchee"), getString(b, "watcher"));
                case WireFrame.UNWATCH -> new WireFrame.Unwatch(getString(b, "watchee"), getString(b, "watcher"));
                case WireFrame.DEATH -> new WireFrame.Death(getString(b, "path"));
                case WireFrame.GOODBYE -> new WireFrame.Goodbye();
                default -> throw new MalformedFrameException("unknown frame kind " + kind);
            };
            if (!(f instanceof WireFrame.Deliver) && !(f instanceof WireFrame.Again) && b.hasRemaining()) {
                throw new MalformedFrameException(b.remaining() + " stray bytes after a " + f.getClass().getSimpleName() + " frame");
            }
            return f;
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("frame of kind " + kind + " is truncated");
        }
    }
}
