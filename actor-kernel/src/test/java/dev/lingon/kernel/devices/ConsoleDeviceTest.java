package dev.lingon.kernel.devices;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.layout.ConsoleLayout;
import dev.lingon.xen.layout.GrantEntryLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The console device against a hand-driven dom0 end of its ring ({@link Dom0Ring}). */
class ConsoleDeviceTest {

    /** "line-00000\n": 11 bytes, so 186 lines fill 2046 of the ring's 2048 bytes. */
    static final int LINE_BYTES = 11;
    static final int RING_LINES = ConsoleLayout.OUT_SIZE / LINE_BYTES;

    static String line(int i) {
        return "line-%05d".formatted(i);
    }

    static String lines(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(line(i)).append('\n');
        }
        return sb.toString();
    }

    private Hypervisor hv;
    private TestDomain dom;

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        dom = TestDomain.boot(hv, "con");
    }

    @AfterEach
    void shutdown() {
        dom.close();
        hv.close();
    }

    @Test
    void publishesThePageAtGrantRefZeroAndThePortUnderConsole() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        // The hypervisor makes console/ writable by the domain, as libxl's home has it.
        assertEquals("console", c.xenstoreDir());
        XenStore xs = hv.dom0().store();
        String dir = "/local/domain/" + dom.domid() + "/console";
        assertEquals(Integer.toString(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE), xs.read(dir + "/ring-ref").orThrow());
        assertEquals(Integer.toString(c.port()), xs.read(dir + "/port").orThrow());
        var status = dom.xen().evtchn().status(c.port()).orThrow();
        assertEquals(EvtchnState.UNBOUND, status.state());
        assertEquals(DomId.DOM0, status.remoteDomid());
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            assertEquals(0, ring.prod());
            assertEquals(0, ring.cons());
        }
    }

    @Test
    void linesGoIntoTheOutRingAsUtf8EachEndedByANewline() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            c.println("héllo");
            c.println("wörld ✓");
            String expected = "héllo\nwörld ✓\n";
            assertEquals(expected, ring.unread());
            assertEquals(expected.getBytes(StandardCharsets.UTF_8).length, ring.prod());
            assertEquals(0, c.dropped());
        }
    }

    @Test
    void aFullRingBuffersLinesUpToTheBoundThenDropsTheOldest() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom, 4));
        for (int i = 0; i < RING_LINES + 4; i++) {
            c.println(line(i));
        }
        assertEquals(0, c.dropped());
        assertEquals(4, c.bufferedLines());
        for (int i = RING_LINES + 4; i < RING_LINES + 7; i++) {
            c.println(line(i));
        }
        assertEquals(3, c.dropped());
        assertEquals(4, c.bufferedLines());
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            assertEquals(lines(0, RING_LINES), ring.unread(), "the ring holds whole lines only");
        }
    }

    @Test
    void waitingLinesFlowIntoTheRingWhenDom0Consumes() {
        ConsoleDevice c = ConsoleDevice.start(dom, 8);
        dom.startDevices(c);
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            for (int i = 0; i < RING_LINES + 8; i++) {
                c.println(line(i));
            }
            assertEquals(8, c.bufferedLines());
            assertEquals(lines(0, RING_LINES), ring.consume());
            eventually().until(() -> c.bufferedLines() == 0);
            assertEquals(lines(RING_LINES, RING_LINES + 8), ring.unread());
            assertEquals(0, c.dropped());
        }
    }

    @Test
    void dom0IsNotifiedOnlyWhenItHadConsumedEverything() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            ring.pending(); // bind_interdomain leaves the new port pending
            c.println("a");
            assertTrue(ring.pending(), "the ring was empty: dom0 may be waiting");
            c.println("b");
            assertFalse(ring.pending(), "dom0 has not consumed 'a' yet: it will re-read out_prod");
            assertEquals("a\nb\n", ring.consume());
            c.println("c");
            assertTrue(ring.pending());
        }
    }

    @Test
    void aLineLongerThanTheRingGoesInPieces() {
        ConsoleDevice c = ConsoleDevice.start(dom, 2);
        dom.startDevices(c);
        String big = "x".repeat(3000);
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            c.println(big);
            c.println("after");
            StringBuilder got = new StringBuilder();
            eventually().until(() -> {
                got.append(ring.consume());
                return got.toString().equals(big + "\nafter\n");
            });
            assertEquals(0, c.dropped());
        }
    }

    @Test
    void aPartlyWrittenLineIsNeverDropped() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom, 2));
        c.println("y".repeat(3000)); // 2048 bytes in the ring, the rest waiting
        c.println("first");
        c.println("second");
        assertEquals(1, c.dropped(), "'first' went, the started line stayed");
        assertEquals(2, c.bufferedLines());
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            assertEquals("y".repeat(ConsoleLayout.OUT_SIZE), ring.unread());
        }
    }

    @Test
    void writersOnManyThreadsNeverWaitForDom0() throws InterruptedException {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom, 16));
        int threads = 4;
        int perThread = 2500;
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    c.println(line(base + i));
                }
                done.countDown();
            }));
        }
        done.await();
        assertEquals((long) threads * perThread - RING_LINES - 16, c.dropped());
        assertEquals(16, c.bufferedLines());
    }

    @Test
    void theConsoleKeepsWorkingAcrossRestartsOfItsWorker() {
        ConsoleDevice c = ConsoleDevice.start(dom, 8);
        dom.startDevices(c);
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            dom.restartDevice(ConsoleDevice.CHILD_ID);
            for (int i = 0; i < RING_LINES + 3; i++) {
                c.println(line(i));
            }
            dom.restartDevice(ConsoleDevice.CHILD_ID);
            assertEquals(lines(0, RING_LINES), ring.consume());
            eventually().until(() -> c.bufferedLines() == 0);
            assertEquals(lines(RING_LINES, RING_LINES + 3), ring.unread());
        }
    }

    @Test
    void closeReleasesThePortTheGrantAndTheNodes() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        c.println("before");
        c.close();
        assertEquals(EvtchnState.CLOSED, dom.xen().evtchn().status(c.port()).orThrow().state());
        XenStore xs = hv.dom0().store();
        assertEquals(Errno.ENOENT, xs.read("/local/domain/" + dom.domid() + "/data/console/ring-ref").errno());
        assertEquals(Errno.ENOENT, xs.read("/local/domain/" + dom.domid() + "/data/console/port").errno());
        int frame = dom.xen().memory().allocPage().orThrow().frame();
        assertTrue(dom.xen().gnttab().grantAccessAt(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE, DomId.DOM0, frame, true).isOk(),
                "ref 0 is free again");
        c.println("after");
        assertEquals(1, c.dropped(), "a line after close is dropped and counted");
        c.close();
    }

    @Test
    void misuseIsRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConsoleDevice.start(dom, 0));
        assertTrue(e.getMessage().contains("bufferLines"), e.getMessage());
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        assertThrows(NullPointerException.class, () -> c.println(null));
    }
}
