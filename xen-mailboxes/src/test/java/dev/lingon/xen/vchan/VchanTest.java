package dev.lingon.xen.vchan;

import static dev.lingon.xen.layout.VchanLayout.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XsPermission;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** libxenvchan on the Lingon Xen model: setup through XenStore, ring layout, flow control, close. */
@ParameterizedClass
@EnumSource(Backend.class)
class VchanTest {
    final VchanTestSupport x;

    VchanTest(Backend backend) {
        x = new VchanTestSupport(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "left {0}, right {1} -> orders {2}/{3}")
    @CsvSource({
            "0, 0, 10, 11",
            "1024, 2048, 10, 11",
            "2048, 1024, 11, 10",
            "2048, 2048, 11, 12",
            "3000, 100, 12, 11",
            "100, 3000, 11, 12",
            "5000, 70000, 13, 17",
            "1048576, 1048576, 20, 20"})
    void ringOrdersAreChosenAsLibxenvchanChoosesThem(int left, int right, int leftOrder, int rightOrder) {
        assertArrayEquals(new int[] {leftOrder, rightOrder}, Vchan.chooseOrders(left, right));
    }

    @Test
    void ringSizesAboveOneMegabyteAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> x.server(MAX_RING_SIZE + 1, 0));
    }

    @Test
    void theServerPublishesRingRefAndEventChannelReadableByTheClientOnly() {
        Vchan s = x.server(0, 0);
        var d0 = x.hv.dom0().store();
        assertEquals(List.of(XsPermission.none(x.server.domid()), XsPermission.read(x.client.domid())),
                d0.getPermissions(x.path + "/ring-ref").orThrow());
        assertEquals(Integer.toString(s.eventPort()), d0.read(x.path + "/event-channel").orThrow());
        XenDomain other = x.hv.domain(x.hv.createDomain(DomainConfig.named("other")).orThrow()).orElseThrow();
        assertEquals(Errno.EACCES, other.store().read(x.path + "/ring-ref").errno());
        Result<Vchan> intruder = Vchan.client(other, x.server.domid(), x.path);
        assertEquals(Errno.EACCES, intruder.errno(), "a third domain cannot even read the entries");
    }

    @Test
    void theSharedPageFollowsTheLibxenvchanLayout() {
        Vchan s = x.server(0, 0);
        MemorySegment page = s.sharedPage();
        assertEquals(10, page.get(ValueLayout.JAVA_SHORT, LEFT_ORDER_OFFSET));
        assertEquals(11, page.get(ValueLayout.JAVA_SHORT, RIGHT_ORDER_OFFSET));
        assertEquals(LIVE_CLIENT_NOT_YET_CONNECTED, page.get(ValueLayout.JAVA_BYTE, CLI_LIVE_OFFSET));
        assertEquals(LIVE_CONNECTED, page.get(ValueLayout.JAVA_BYTE, SRV_LIVE_OFFSET));
        assertEquals(VCHAN_NOTIFY_WRITE, page.get(ValueLayout.JAVA_BYTE, CLI_NOTIFY_OFFSET));
        assertTrue(s.isOpen(), "a client that has not connected yet still counts as open");
        Vchan c = x.client();
        assertEquals(LIVE_CONNECTED, page.get(ValueLayout.JAVA_BYTE, CLI_LIVE_OFFSET));
        c.send(bytes("hi"), 0, 2);
        assertEquals(2, page.get(ValueLayout.JAVA_INT, LEFT_PROD_OFFSET), "the client wrote the left ring");
        assertEquals('h', page.get(ValueLayout.JAVA_BYTE, SMALL_RING_OFFSET), "which sits at offset 1024");
        s.send(bytes("yo"), 0, 2);
        assertEquals('y', page.get(ValueLayout.JAVA_BYTE, LARGE_RING_OFFSET), "the right ring at 2048");
    }

    @Test
    void clientConnectingKicksTheServer() {
        Vchan s = x.server(0, 0);
        assertFalse(x.server.evtchn().isPending(s.eventPort()));
        x.client();
        assertTrue(x.server.evtchn().isPending(s.eventPort()));
        assertEquals(Wake.EVENT, s.awaitEvent(Sched.NO_DEADLINE));
        assertFalse(x.server.evtchn().isPending(s.eventPort()), "awaitEvent consumes the event");
    }

    @Test
    void dataFlowsBothWays() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        assertEquals(5, c.send(bytes("hello"), 0, 5));
        byte[] got = new byte[5];
        assertEquals(5, s.recv(got, 0, 5));
        assertEquals("hello", new String(got, StandardCharsets.UTF_8));
        assertEquals(3, s.write(bytes("abc"), 0, 3));
        byte[] buf = new byte[10];
        assertEquals(3, c.read(buf, 0, 10), "read takes what is there");
        assertEquals(0, c.read(buf, 0, 10), "and nothing more");
    }

    @Test
    void recvIsAllOrNothing() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        c.send(bytes("abc"), 0, 3);
        assertEquals(0, s.recv(new byte[4], 0, 4));
        assertEquals(3, s.dataReady(), "nothing was consumed");
    }

    @Test
    void aFullRingRefusesPacketsAndTakesPartialStreamWrites() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        assertEquals(1024, c.writeRingSize());
        byte[] chunk = new byte[1000];
        assertEquals(1000, c.send(chunk, 0, 1000));
        assertEquals(0, c.send(chunk, 0, 100), "24 bytes free: the packet waits, nothing is written");
        assertEquals(24, c.write(chunk, 0, 100), "the stream write takes what fits");
        assertEquals(0, c.bufferSpace());
        assertEquals(1024, s.recv(new byte[1024], 0, 1024));
        assertEquals(1024, c.bufferSpace());
    }

    @Test
    void aPacketLargerThanTheRingNeverFits() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        byte[] big = new byte[2000];
        assertEquals(0, c.send(big, 0, 2000), "non-blocking: 0, forever");
        assertEquals(-1, c.sendBlocking(MemorySegment.ofArray(big), 0, 2000, Sched.NO_DEADLINE), "blocking: -1");
        assertNotNull(s);
    }

    @Test
    void notificationsAreSentOnlyWhenTheReaderAskedForThem() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        int sp = s.eventPort();
        x.server.evtchn().testAndClearPending(sp);
        c.send(bytes("1"), 0, 1);
        assertTrue(x.server.evtchn().isPending(sp), "the server asked at init to hear of the first write");
        x.server.evtchn().testAndClearPending(sp);
        c.send(bytes("2"), 0, 1);
        assertFalse(x.server.evtchn().isPending(sp), "no request outstanding: no event");
        assertEquals(0, s.recv(new byte[3], 0, 3), "wants more than there is, so it requests a notification");
        c.send(bytes("3"), 0, 1);
        assertTrue(x.server.evtchn().isPending(sp));
    }

    @Test
    void aWriterWaitingForSpaceIsNotifiedWhenTheReaderConsumes() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        int cp = c.eventPort();
        c.send(new byte[1024], 0, 1024);
        x.client.evtchn().testAndClearPending(cp);
        assertEquals(0, c.send(new byte[10], 0, 10), "full: the writer requests NOTIFY_READ");
        s.recv(new byte[10], 0, 10);
        assertTrue(x.client.evtchn().isPending(cp));
    }

    @ParameterizedTest
    @ValueSource(ints = {12, 13, 16})
    void multiPageRingsWrapAcrossTheirPages(int order) {
        int[] mins = VchanTestSupport.minsForServerWriteOrder(order);
        Vchan s = x.server(mins[0], mins[1]);
        Vchan c = x.client();
        assertEquals(1 << order, s.writeRingSize());
        assertEquals(1 << order, c.readRingSize());
        int size = 1 << order;
        byte[] data = new byte[size - 7];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + round);
            }
            assertEquals(data.length, s.send(data, 0, data.length));
            byte[] got = new byte[data.length];
            assertEquals(data.length, c.recv(got, 0, got.length));
            assertArrayEquals(data, got, "round " + round);
        }
    }

    @Test
    void theClientMapsItsReadRingReadOnly() {
        int[] mins = VchanTestSupport.minsForServerWriteOrder(12);
        x.server(mins[0], mins[1]);
        x.client();
        assertEquals(2, x.client.gnttab().activeMappings(), "the shared page and one ring page");
    }

    @Test
    void clientCloseIsSeenByTheServer() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        c.send(bytes("last"), 0, 4);
        x.server.evtchn().testAndClearPending(s.eventPort());
        c.close();
        assertFalse(s.isOpen());
        assertTrue(x.server.evtchn().isPending(s.eventPort()), "close kicks the peer");
        byte[] got = new byte[4];
        assertEquals(4, s.recv(got, 0, 4), "what was written before the close is still there");
        assertEquals(-1, s.recv(got, 0, 4));
        assertEquals(-1, s.send(got, 0, 4));
        assertEquals(0, x.client.gnttab().activeMappings());
        assertEquals(EvtchnState.UNBOUND, x.server.evtchn().status(s.eventPort()).orThrow().state());
    }

    @Test
    void serverCloseEndsItsGrantsAndRemovesItsEntries() {
        Vchan s = x.server(0, 0);
        Vchan c = x.client();
        s.close();
        assertFalse(c.isOpen());
        assertEquals(Errno.ENOENT, x.hv.dom0().store().read(x.path + "/ring-ref").errno());
        assertEquals(1, x.server.gnttab().deferredCount(), "the client still maps the page");
        c.close();
        assertEquals(0, x.server.gnttab().retryDeferred());
    }

    @Test
    void aDestroyedClientDomainIsSeenAsClosed() {
        Vchan s = x.server(0, 0);
        x.client();
        x.server.evtchn().testAndClearPending(s.eventPort());
        x.hv.destroy(x.client.handle());
        assertFalse(s.isOpen(), "the unmap notification cleared cli_live");
        assertTrue(x.server.evtchn().isPending(s.eventPort()), "and kicked the server");
    }

    @Test
    void aDestroyedServerDomainIsSeenAsClosed() {
        x.server(0, 0);
        Vchan c = x.client();
        x.hv.destroy(x.server.handle());
        assertFalse(c.isOpen());
        assertTrue(x.client.evtchn().isPending(c.eventPort()));
    }

    @Test
    void aClientWithoutEntriesGetsEnoentOrEaccesWhereItCannotLook() {
        assertEquals(Errno.EACCES, Vchan.client(x.client, x.server.domid(), x.path).errno(),
                "missing under the server's unreadable data/ hides whether it exists");
        assertEquals(Errno.ENOENT, Vchan.client(x.client, x.server.domid(), "data/nothing-here").errno(),
                "missing under its own home is plainly missing");
    }

    @Test
    void aClientFindingGarbageEntriesGetsEinval() {
        x.server.store().write(x.path + "/ring-ref", "zero").orThrow();
        x.server.store().write(x.path + "/event-channel", "3").orThrow();
        x.server.store().setPermissions(x.path + "/ring-ref", List.of(XsPermission.none(x.server.domid()), XsPermission.read(x.client.domid()))).orThrow();
        x.server.store().setPermissions(x.path + "/event-channel", List.of(XsPermission.none(x.server.domid()), XsPermission.read(x.client.domid()))).orThrow();
        assertEquals(Errno.EINVAL, Vchan.client(x.client, x.server.domid(), x.path).errno());
    }

    @Test
    void aClientWhoseMapIsRefusedLeavesNothingBehind() {
        Vchan s = x.server(0, 0);
        x.hv.revokeGrant(x.server.handle(), Integer.parseInt(x.server.store().read(x.path + "/ring-ref").orThrow()));
        Result<Vchan> r = Vchan.client(x.client, x.server.domid(), x.path);
        assertEquals(Errno.EIO, r.errno());
        assertTrue(((Result.Err<Vchan>) r).detail().contains("GNTST_general_error"));
        assertEquals(EvtchnState.UNBOUND, x.server.evtchn().status(s.eventPort()).orThrow().state(), "the client's port was closed again");
    }
}
