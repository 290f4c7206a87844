package dev.lingon.xen.remote;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

import static dev.lingon.xen.remote.HypercallLayout.*;

/**
 * Frames of {@link HypercallLayout} over one blocking socket: reads whole frames through a buffer (so a
 * burst of pipelined frames costs one system call, not one per frame) and writes whole frames under a
 * lock (so frames of several threads never interleave). Reading is for one thread only — the
 * connection's reader; writing is for any thread.
 */
final class FrameChannel implements AutoCloseable {
    /** One frame: its kind, its req_id and its body (a buffer of its own, little-endian). */
    record Frame(int kind, int reqId, ByteBuffer body) {
    }

    private final SocketChannel channel;
    /** Bytes read but not yet parsed, between position and limit. */
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN).limit(0);
    private final ReentrantLock writeLock = new ReentrantLock();

    FrameChannel(SocketChannel channel) {
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * The next frame, or null when the peer closed the connection between two frames.
     * @throws MalformedFrameException for an impossible header or a connection that ended inside a frame
     */
    Frame read() throws IOException {
        if (!fill(4, true)) {
            return null;
        }
        int base = in.position();
        int len = in.getInt(base + LEN_OFFSET);
        if (len < MIN_LEN || len > MAX_LEN) {
            throw new MalformedFrameException("frame length " + Integer.toUnsignedString(len) + " is outside " + MIN_LEN + ".." + MAX_LEN
                    + " (a length field that is not a frame's: the stream is not this protocol or is out of step)");
        }
        fill(4 + len, false);
        base = in.position();
        int kind = in.getShort(base + KIND_OFFSET) & 0xFFFF;
        int reserved = in.getShort(base + RESERVED_OFFSET) & 0xFFFF;
        int reqId = in.getInt(base + REQ_ID_OFFSET);
        if (reserved != 0) {
            throw new MalformedFrameException(String.format("frame 0x%04X has reserved field 0x%04X; it must be 0", kind, reserved));
        }
        int bodyLen = len - MIN_LEN;
        ByteBuffer body = ByteBuffer.allocate(bodyLen).order(ByteOrder.LITTLE_ENDIAN);
        body.put(0, in, base + BODY_OFFSET, bodyLen);
        in.position(base + 4 + len);
        return new Frame(kind, reqId, body);
    }

    /** Makes at least {@code n} unparsed bytes available; false at a clean end of stream when allowed. */
    private boolean fill(int n, boolean endAllowed) throws IOException {
        while (in.remaining() < n) {
            if (in.capacity() - in.position() < n) {
                in.compact().flip();
            }
            int had = in.remaining();
            int pos = in.position();
            in.position(in.limit()).limit(in.capacity());
            int r = channel.read(in);
            in.limit(in.position()).position(pos);
            if (r < 0) {
                if (endAllowed && had == 0) {
                    return false;
                }
                throw new MalformedFrameException("the connection ended inside a frame: " + had + " of at least " + n + " bytes had arrived");
            }
        }
        return true;
    }

    /** Writes one whole frame (as {@link HypercallCodec} encodes it). */
    void write(ByteBuffer frame) throws IOException {
        writeLock.lock();
        try {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a socket only fails when it is already broken; nothing is left to release.
        }
    }
}
