package dev.lingon.xen.vchan;

import static dev.lingon.xen.layout.VchanLayout.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.FaultInterceptor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Length-prefixed frames on a vchan: whole or nothing, back-pressure, corruption, close. */
@ParameterizedClass
@EnumSource(Backend.class)
class FramedVchanTest {
    final Backend backend;

    FramedVchanTest(Backend backend) {
        this.backend = backend;
    }

    VchanTestSupport x;
    FramedVchan server;
    FramedVchan client;
    final List<String> received = new ArrayList<>();

    @BeforeEach
    void connect() {
        x = new VchanTestSupport(backend);
        server = new FramedVchan(x.server(0, 0));
        client = new FramedVchan(x.client());
    }

    @AfterEach
    void down() {
        x.close();
    }

    void collect(MemorySegment payload, int length) {
        received.add(new String(payload.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writtenFramesStayUnseenUntilPublishedAndThenArriveTogetherInOrder() {
        for (int i = 0; i < 10; i++) {
            byte[] m = b("held-" + i);
            assertTrue(client.tryWrite(MemorySegment.ofArray(m), 0, m.length).isSent());
        }
        assertEquals(10 * (FramedVchan.HEADER_BYTES + "held-0".length()), client.unpublishedBytes());
        assertInstanceOf(ReceiveResult.Empty.class, server.tryReceive(this::collect), "nothing is visible before publication");
        client.publishWritten();
        assertEquals(0, client.unpublishedBytes());
        assertEquals(10, server.drain(this::collect, 100));
        assertEquals(List.of("held-0", "held-1", "held-2", "held-3", "held-4", "held-5", "held-6", "held-7", "held-8", "held-9"), received);
    }

    @Test
    void aFrameWrittenFromARegionOfAnArrayCarriesExactlyThatRegion() {
        byte[] buffer = b("..header|payload|trailer..");
        int from = "..header|".length();
        int length = "payload".length();
        assertTrue(client.tryWrite(buffer, from, length).isSent());
        assertTrue(client.tryWrite(buffer, 0, 0).isSent(), "an empty frame is a frame");
        client.publishWritten();
        assertEquals(2, server.drain(this::collect, 100));
        assertEquals(List.of("payload", ""), received);
        assertThrows(IndexOutOfBoundsException.class, () -> client.tryWrite(buffer, buffer.length - 2, 3),
                "a region past the array's end is misuse, not a short frame");
        assertThrows(IndexOutOfBoundsException.class, () -> client.tryWrite(buffer, -1, 2));
        assertEquals(0, client.unpublishedBytes(), "a refused region writes nothing");
        byte[] huge = new byte[client.maxPayload() + 1];
        assertInstanceOf(SendResult.TooLarge.class, client.tryWrite(huge, 0, huge.length));
    }

    @Test
    void aPublishedFrameAlsoPublishesTheWrittenFramesBeforeIt() {
        byte[] first = b("first");
        byte[] second = b("second");
        assertTrue(client.tryWrite(MemorySegment.ofArray(first), 0, first.length).isSent());
        assertTrue(client.trySend(second).isSent());
        assertEquals(0, client.unpublishedBytes());
        assertEquals(2, server.drain(this::collect, 100));
        assertEquals(List.of("first", "second"), received);
    }

    @Test
    void aPollingEndAsksItsPeerForNoEventsWhileAWaitingEndDoes() {
        int readerPort = server.vchan().eventPort();
        int writerPort = client.vchan().eventPort();
        // The first frame each way goes with the event libxenvchan arms at setup; spend it.
        assertTrue(client.trySend(b("setup")).isSent());
        assertEquals(1, server.drain(this::collect, 1), "a drain that stops at its limit does not look at an empty ring, so arms nothing");
        x.server.evtchn().testAndClearPending(readerPort);
        x.client.evtchn().testAndClearPending(writerPort);

        FramedVchan pollingReader = FramedVchan.polling(server.vchan());
        FramedVchan pollingWriter = FramedVchan.polling(client.vchan());
        assertInstanceOf(ReceiveResult.Empty.class, pollingReader.tryReceive(this::collect));
        assertTrue(pollingWriter.trySend(b("polled")).isSent());
        assertFalse(x.server.evtchn().isPending(readerPort), "a reader that polls asked for no event");
        assertInstanceOf(ReceiveResult.Received.class, pollingReader.tryReceive(this::collect));
        while (pollingWriter.trySend(b("0123456789abcdef")).isSent()) {
            // fill the ring
        }
        int filled = pollingReader.drain(this::collect, 1000);
        assertTrue(filled > 0);
        assertFalse(x.client.evtchn().isPending(writerPort), "a writer that polls asked for no event when the ring was full");

        assertInstanceOf(ReceiveResult.Empty.class, server.tryReceive(this::collect));
        assertTrue(pollingWriter.trySend(b("armed")).isSent());
        assertTrue(x.server.evtchn().isPending(readerPort), "a reader that may wait asked for the event, and the writer sent it");
        assertEquals(1, pollingReader.drain(this::collect, 10));
        assertEquals("setup", received.getFirst());
        assertEquals("polled", received.get(1));
        assertEquals(3 + filled, received.size());
        assertEquals("armed", received.getLast());
    }

    @Test
    void framesArriveWholeAndInOrder() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String m = "message-" + i;
            expected.add(m);
            while (!client.trySend(b(m)).isSent()) {
                assertTrue(server.drain(this::collect, 1000) > 0, "a full ring drains");
            }
        }
        server.drain(this::collect, 1000);
        assertEquals(expected, received);
    }

    @Test
    void aFullRingRefusesTheWholeFrameAndResumesAfterTheReaderDrains() {
        int sent = 0;
        SendResult last;
        while ((last = client.trySend(b("0123456789abcdef"))).isSent()) {
            sent++;
        }
        SendResult.RingFull full = assertInstanceOf(SendResult.RingFull.class, last);
        assertEquals(20, full.needed());
        assertTrue(full.free() < 20);
        assertEquals(1024 / 20, sent, "a 1 KiB ring holds 51 frames of 4 + 16 bytes");
        assertEquals(sent, server.drain(this::collect, 1000));
        assertInstanceOf(ReceiveResult.Empty.class, server.lastResult());
        assertTrue(client.trySend(b("0123456789abcdef")).isSent());
        assertEquals(sent, received.size());
    }

    @Test
    void aFrameLargerThanTheRingIsRefusedAsTooLarge() {
        SendResult r = client.trySend(new byte[1021]);
        assertEquals(new SendResult.TooLarge(1021, 1020), r);
        assertTrue(client.trySend(new byte[1020]).isSent(), "exactly ring size minus the header fits");
    }

    @Test
    void anEmptyFrameIsAFrame() {
        assertTrue(client.trySend(new byte[0]).isSent());
        assertEquals(new ReceiveResult.Received(0), server.tryReceive(this::collect));
        assertEquals(List.of(""), received);
    }

    @Test
    void aHeaderLongerThanTheRingIsCorruption() {
        // A hostile client writes a raw length of 5000 followed by junk through the byte API.
        MemorySegment junk = MemorySegment.ofArray(new byte[8]);
        junk.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 5000);
        assertEquals(8, client.vchan().send(junk, 0, 8));
        ReceiveResult r = server.tryReceive(this::collect);
        ReceiveResult.Corrupt c = assertInstanceOf(ReceiveResult.Corrupt.class, r);
        assertTrue(c.reason().contains("5000"), c.reason());
        assertTrue(received.isEmpty());
    }

    @Test
    void impossibleIndexesAreCorruption() {
        MemorySegment page = server.vchan().sharedPage();
        page.set(ValueLayout.JAVA_INT, LEFT_PROD_OFFSET, 100_000);
        assertInstanceOf(ReceiveResult.Corrupt.class, server.tryReceive(this::collect));
    }

    @Test
    void aPeerThatClosesMidFrameIsCorruptionNotASilentTruncation() {
        MemorySegment half = MemorySegment.ofArray(new byte[10]);
        half.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 100);
        client.vchan().send(half, 0, 10);
        assertInstanceOf(ReceiveResult.Empty.class, server.tryReceive(this::collect), "waits for the rest while open");
        client.close();
        ReceiveResult.Corrupt c = assertInstanceOf(ReceiveResult.Corrupt.class, server.tryReceive(this::collect));
        assertTrue(c.reason().contains("middle"), c.reason());
    }

    @Test
    void framesWrittenBeforeCloseAreDeliveredThenClosed() {
        client.trySend(b("a"));
        client.trySend(b("b"));
        client.close();
        assertEquals(2, server.drain(this::collect, 10));
        assertEquals(List.of("a", "b"), received);
        assertInstanceOf(ReceiveResult.Closed.class, server.lastResult());
        assertEquals(SendResult.Closed.INSTANCE, server.trySend(b("too late")));
    }

    @Test
    void framesWrapAroundTheRingEnd() {
        for (int round = 0; round < 200; round++) {
            String m = "round-" + round + "-" + "x".repeat(round % 37);
            assertTrue(client.trySend(b(m)).isSent());
            assertInstanceOf(ReceiveResult.Received.class, server.tryReceive(this::collect));
            assertEquals(m, received.getLast());
        }
    }

    @Test
    void heldBackPublicationStaysInvisibleUntilFlushed() {
        x.hv.setFaultInterceptor(new FaultInterceptor() {
            @Override
            public boolean onRingPublish(int writerDomid, int port, int bytes) {
                return false;
            }
        });
        assertTrue(client.trySend(b("delayed")).isSent());
        assertInstanceOf(ReceiveResult.Empty.class, server.tryReceive(this::collect));
        x.hv.setFaultInterceptor(null);
        assertEquals(11, client.vchan().flush());
        assertInstanceOf(ReceiveResult.Received.class, server.tryReceive(this::collect));
        assertEquals(List.of("delayed"), received);
    }
}
