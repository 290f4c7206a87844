package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

/** A context given back keeps no reference to the buffers of the message it last read or wrote. */
class KryoContextTest {

    @Test
    void clearingLetsGoOfEveryCallersBuffer() {
        KryoContext context = new KryoContext(new LingonKryo(new StableClassResolver(), 128), 256, 1 << 20);
        byte[] read = new byte[16];
        byte[] written = new byte[16];
        ByteBuffer readBuffer = ByteBuffer.allocateDirect(16);
        ByteBuffer writtenBuffer = ByteBuffer.allocateDirect(16);
        context.input.setBuffer(read, 2, 8);
        context.bufferInput.setBuffer(readBuffer);
        context.arrayTarget.target(written, 0, 16);
        context.target.target(writtenBuffer);

        context.clear();

        assertNotSame(read, context.input.getBuffer());
        assertEquals(0, context.input.getBuffer().length);
        assertNotSame(readBuffer, context.bufferInput.getByteBuffer());
        assertNotSame(written, context.arrayTarget.getBuffer());
        assertEquals(0, context.arrayTarget.getBuffer().length);
        assertNotSame(writtenBuffer, context.target.getByteBuffer());

        // Clearing again, with nothing held, changes nothing and does not fail.
        context.clear();
        assertEquals(0, context.input.getBuffer().length);
    }

    @Test
    void anOutputThatOneLargeMessageGrewShrinksBack() {
        KryoContext context = new KryoContext(new LingonKryo(new StableClassResolver(), 128), 256, 1 << 20);
        context.output.setBuffer(new byte[64 * 256], 1 << 20);
        context.clear();
        assertEquals(256, context.output.getBuffer().length);
    }
}
