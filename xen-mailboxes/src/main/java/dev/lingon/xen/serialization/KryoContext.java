package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;

import java.nio.ByteBuffer;

/**
 * One Kryo instance with the inputs and outputs it reads and writes through, reused message after
 * message so the hot path allocates nothing but the result.
 *
 * <p>Threads: owned by whoever took it from the {@link KryoPool} until it is given back; Kryo and its
 * buffers are not thread-safe.
 */
final class KryoContext {
    private static final byte[] NO_BYTES = new byte[0];
    private static final ByteBuffer NO_BUFFER = ByteBuffer.allocate(0);

    final Kryo kryo;
    final Output output;
    final BoundedInput input = new BoundedInput();
    final BoundedByteBufferInput bufferInput = new BoundedByteBufferInput();
    final TargetOutput target = new TargetOutput();
    final ArrayTargetOutput arrayTarget = new ArrayTargetOutput();
    /** Kept by one vCPU thread for itself ({@link KryoPool}); never returns to the shared slots. */
    boolean carrierLocal;
    /** A carrier-local context that its thread is using now. */
    boolean lent;
    private final int bufferSize;
    private final int maxMessageSize;

    KryoContext(Kryo kryo, int bufferSize, int maxMessageSize) {
        this.kryo = kryo;
        this.bufferSize = bufferSize;
        this.maxMessageSize = maxMessageSize;
        this.output = new Output(bufferSize, maxMessageSize);
    }

    /**
     * Makes the context fit for the next message after a failure left Kryo mid-graph: Kryo resets its
     * depth and graph state itself, but not the stack of generic types its serializers push and pop.
     */
    void recover() {
        kryo.reset();
        kryo.setOptimizedGenerics(true);
    }

    /** Forgets the caller's buffers and shrinks an output that one large message grew. */
    void clear() {
        // Each reset only where a buffer is held: one message uses one of these, and this runs for
        // every message on both ends of a mailbox channel.
        if (input.getBuffer() != NO_BYTES) {
            input.setBuffer(NO_BYTES);
        }
        if (bufferInput.getByteBuffer() != NO_BUFFER) {
            bufferInput.setBuffer(NO_BUFFER);
        }
        if (target.getByteBuffer() != TargetOutput.NONE) {
            target.release();
        }
        if (arrayTarget.getBuffer() != ArrayTargetOutput.NONE) {
            arrayTarget.release();
        }
        if (output.getBuffer().length > 16 * bufferSize) {
            output.setBuffer(new byte[bufferSize], maxMessageSize);
        }
    }
}
