package dev.lingon.xen.mailbox;

/**
 * The frames two domains exchange on a mailbox channel, one per {@link dev.lingon.xen.vchan.FramedVchan}
 * frame. Layout of each (little-endian; strings are u16 length + UTF-8; see {@link WireFormat}):
 * <pre>
 *  u8 kind
 *  HELLO     u16 domid, u64 generation, str systemName
 *  DELIVER   str recipient (a path local to the reader, with uid), str sender (lingon:// token or ""),
 *            u32 serializerId, str manifest, bytes payload (the rest of the frame)
 *  WATCH     str watchee (local to the reader), str watcher (token)
 *  UNWATCH   str watchee, str watcher
 *  DEATH     str path (of an actor of the writer that a WATCH named and that has terminated)
 *  GOODBYE   (nothing)
 *  AGAIN     bytes payload: a DELIVER to the same recipient, from the same sender, with the same
 *            serializer and manifest as the previous DELIVER or AGAIN on this ring
 * </pre>
 * AGAIN is how a stream travels: its header costs one byte instead of two actor paths, and the reader
 * skips comparing and resolving them. An AGAIN with no DELIVER before it is malformed.
 */
sealed interface WireFrame {
    byte HELLO = 1;
    byte DELIVER = 2;
    byte WATCH = 3;
    byte UNWATCH = 4;
    byte DEATH = 5;
    byte GOODBYE = 6;
    byte AGAIN = 7;

    record Hello(int domid, long generation, String systemName) implements WireFrame {
    }

    /**
     * A message; {@code recipient}, {@code sender}, {@code manifest} (UTF-8 bytes) and {@code payload} are
     * views valid only while the frame is being handled. The strings stay bytes because a stream of
     * messages repeats them: the reader compares bytes with the previous frame's before decoding anything.
     */
    record Deliver(java.nio.ByteBuffer recipient, java.nio.ByteBuffer sender, int serializerId, java.nio.ByteBuffer manifest,
                   java.nio.ByteBuffer payload) implements WireFrame {
    }

    /** A message to the previous DELIVER's recipient, sender, serializer and manifest; {@code payload} as in Deliver. */
    record Again(java.nio.ByteBuffer payload) implements WireFrame {
    }

    record Watch(String watchee, String watcher) implements WireFrame {
    }

    record Unwatch(String watchee, String watcher) implements WireFrame {
    }

    record Death(String path) implements WireFrame {
    }

    record Goodbye() implements WireFrame {
    }
}
