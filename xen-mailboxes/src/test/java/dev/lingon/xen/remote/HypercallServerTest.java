package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XenDomain;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * dom0's hypercall server: the hello handshake and its refusals, malformed and truncated frames ending
 * only the offending connection, and the listener hearing every end of a bound connection.
 */
class HypercallServerTest {

    @TempDir
    Path dir;

    Dom0Fixture dom0;
    XenDomain a;
    XenDomain b;

    @BeforeEach
    void setUp() {
        dom0 = new Dom0Fixture(dir);
        a = dom0.create("a");
        b = dom0.create("b");
    }

    @AfterEach
    void tearDown() {
        dom0.close();
    }

    @Test
    void theLaunchTicketBindsTheConnectionToItsDomain() {
        try (RemoteXenDomain ra = dom0.connect(a)) {
            assertEquals(a.handle(), ra.handle());
            assertEquals("a", ra.name());
            assertEquals(2, ra.vcpus());
            assertEquals(DomainState.RUNNING, ra.state());
            assertTrue(dom0.server.isConnected(a.handle()));
            await().atMost(Duration.ofSeconds(5)).until(() -> dom0.heard.contains(new Dom0Fixture.Heard("connect", a.handle(), null)));
        }
    }

    @Test
    void aDomainHasOneConnectionAndOnlyALiveDomainIsAdmitted() {
        try (RemoteXenDomain ra = dom0.connect(a)) {
            assertThrows(IllegalStateException.class, () -> dom0.server.admit(a.handle()), "already connected");
        }
        dom0.hv.destroy(b.handle()).orThrow("destroy");
        assertThrows(IllegalArgumentException.class, () -> dom0.server.admit(b.handle()), "destroyed");
    }

    @Test
    void aRevokedTicketIsRefused() {
        LaunchTicket t = dom0.server.admit(a.handle());
        dom0.server.revoke(a.handle());
        Dom0LinkException e = assertThrows(Dom0LinkException.class, () -> RemoteXenDomain.connect(t, ShmPageMapper.INSTANCE));
        assertEquals(Errno.EACCES, e.refusal().orElseThrow());
    }

    @Test
    void theTicketTravelsInTheEnvironmentWithoutShowingItsToken() {
        LaunchTicket t = dom0.server.admit(a.handle());
        assertEquals(t, LaunchTicket.fromEnvironment(t.environment()));
        assertFalse(t.toString().contains(java.util.HexFormat.of().formatHex(t.token())));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> LaunchTicket.fromEnvironment(java.util.Map.of()));
        assertTrue(missing.getMessage().contains(LaunchTicket.ENV_SOCKET), missing.getMessage());
    }

    @Test
    void aWrongTokenIsRefusedWithEacces() {
        LaunchTicket issued = dom0.server.admit(a.handle());
        byte[] wrong = issued.token();
        wrong[0] ^= 1;
        Dom0LinkException e = assertThrows(Dom0LinkException.class,
                () -> RemoteXenDomain.connect(new LaunchTicket(issued.socket(), issued.handle(), wrong), ShmPageMapper.INSTANCE));
        assertEquals(Errno.EACCES, e.refusal().orElseThrow(), e.getMessage());
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        assertFalse(dom0.server.isConnected(a.handle()));
        // The issued token is still good: a forged hello does not spend it.
        try (RemoteXenDomain ra = RemoteXenDomain.connect(issued, ShmPageMapper.INSTANCE)) {
            assertTrue(ra.isConnected());
        }
    }

    @Test
    void aWrongGenerationIsRefusedWithEsrch() {
        LaunchTicket issued = dom0.server.admit(a.handle());
        LaunchTicket stale = new LaunchTicket(issued.socket(), new DomainHandle(a.domid(), a.handle().generation() + 100), issued.token());
        Dom0LinkException e = assertThrows(Dom0LinkException.class, () -> RemoteXenDomain.connect(stale, ShmPageMapper.INSTANCE));
        assertEquals(Errno.ESRCH, e.refusal().orElseThrow(), e.getMessage());
    }

    @Test
    void aSpentTokenIsRefusedAndTheFirstConnectionKeepsWorking() {
        LaunchTicket ticket = dom0.server.admit(a.handle());
        try (RemoteXenDomain first = RemoteXenDomain.connect(ticket, ShmPageMapper.INSTANCE)) {
            Dom0LinkException e = assertThrows(Dom0LinkException.class, () -> RemoteXenDomain.connect(ticket, ShmPageMapper.INSTANCE));
            assertEquals(Errno.EACCES, e.refusal().orElseThrow(), e.getMessage());
            assertTrue(e.getMessage().contains("spent"), e.getMessage());
            assertTrue(first.evtchn().allocUnbound(0).isOk(), "the first connection is unharmed");
        }
    }

    @Test
    void aFirstFrameOtherThanHelloIsRefusedWithEinval() throws IOException {
        try (SocketChannel raw = open()) {
            write(raw, HypercallCodec.encode(1, new Request.Send(1)));
            Reply r = readReply(raw);
            Reply.Refused refused = assertInstanceOf(Reply.Refused.class, r);
            assertEquals(Errno.EINVAL, refused.errno());
            assertTrue(refused.reason().contains("LINGON_hello"), refused.reason());
            assertEquals(-1, raw.read(ByteBuffer.allocate(1)), "dom0 closed the connection");
        }
    }

    @Test
    void aMalformedFrameEndsOnlyThatConnectionWithAProtocolError() throws IOException {
        try (RemoteXenDomain rb = dom0.connect(b); SocketChannel raw = open()) {
            hello(raw, dom0.server.admit(a.handle()));
            // EVTCHNOP_send with a bool where the port should be: 1 byte of body instead of 4.
            ByteBuffer bad = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN);
            bad.putInt(9).putShort((short) HypercallLayout.OP_EVTCHNOP_send).putShort((short) 0).putInt(5).put((byte) 1).flip();
            write(raw, bad);
            Reply.ProtocolError pe = assertInstanceOf(Reply.ProtocolError.class, readReply(raw));
            assertTrue(pe.message().contains("EVTCHNOP_send"), pe.message());
            assertEquals(-1, raw.read(ByteBuffer.allocate(1)), "dom0 closed the connection");
            await().atMost(Duration.ofSeconds(5)).until(() -> dom0.disconnectOf(a.handle()) != null);
            assertInstanceOf(Disconnect.ProtocolViolation.class, dom0.disconnectOf(a.handle()));

            assertTrue(rb.isConnected());
            assertTrue(rb.evtchn().allocUnbound(0).isOk(), "another domain's connection is unharmed");
            assertNull(dom0.disconnectOf(b.handle()));
        }
    }

    @Test
    void aFrameWithAnImpossibleLengthIsAProtocolError() throws IOException {
        try (SocketChannel raw = open()) {
            hello(raw, dom0.server.admit(a.handle()));
            ByteBuffer bad = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(HypercallLayout.MAX_LEN + 1).flip();
            write(raw, bad);
            Reply.ProtocolError pe = assertInstanceOf(Reply.ProtocolError.class, readReply(raw));
            assertTrue(pe.message().contains("frame length"), pe.message());
            await().atMost(Duration.ofSeconds(5)).until(() -> dom0.disconnectOf(a.handle()) != null);
        }
    }

    @Test
    void aConnectionEndingInsideAFrameIsHeardAsATruncatedFrame() throws IOException {
        try (SocketChannel raw = open()) {
            hello(raw, dom0.server.admit(a.handle()));
            ByteBuffer frame = HypercallCodec.encode(3, new Request.AllocUnbound(0x7FF0, 0));
            write(raw, frame.limit(frame.limit() - 3));
            raw.shutdownOutput();
            await().atMost(Duration.ofSeconds(5)).until(() -> dom0.disconnectOf(a.handle()) != null);
            Disconnect.ProtocolViolation v = assertInstanceOf(Disconnect.ProtocolViolation.class, dom0.disconnectOf(a.handle()));
            assertTrue(v.message().contains("ended inside a frame"), v.message());
        }
    }

    @Test
    void theListenerHearsTheDomainCloseItsConnection() {
        RemoteXenDomain ra = dom0.connect(a);
        ra.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> dom0.disconnectOf(a.handle()) != null);
        assertInstanceOf(Disconnect.EndOfStream.class, dom0.disconnectOf(a.handle()));
        assertFalse(dom0.server.isConnected(a.handle()));
    }

    @Test
    void whenDom0ClosesTheLinkTheDomainStopsAndItsCallsFail() {
        try (RemoteXenDomain ra = dom0.connect(a)) {
            java.util.concurrent.CompletableFuture<String> lost = new java.util.concurrent.CompletableFuture<>();
            ra.onDom0Lost(lost::complete);
            assertTrue(dom0.server.disconnect(a.handle()));
            await().atMost(Duration.ofSeconds(5)).until(lost::isDone);
            assertTrue(lost.join().contains("dom0 closed"), lost.join());
            await().atMost(Duration.ofSeconds(5)).until(() -> !ra.isConnected());
            assertEquals(DomainState.DYING, ra.state());
            assertThrows(Dom0LinkException.class, () -> ra.evtchn().allocUnbound(0));
            assertEquals(dev.lingon.xen.api.Wake.SHUTDOWN, ra.sched().block(0, dev.lingon.xen.api.Sched.NO_DEADLINE));
            assertInstanceOf(Disconnect.ClosedByDom0.class, dom0.disconnectOf(a.handle()));
        }
    }

    private SocketChannel open() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(dom0.server.socketPath()));
        return ch;
    }

    private static void hello(SocketChannel ch, LaunchTicket t) throws IOException {
        write(ch, HypercallCodec.encode(1, new Request.Hello(HypercallLayout.VERSION, t.handle().domid(), t.handle().generation(), t.token())));
        assertInstanceOf(Reply.Welcome.class, readReply(ch));
    }

    private static void write(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static Reply readReply(SocketChannel ch) throws IOException {
        FrameChannel.Frame f = new FrameChannel(ch).read();
        assertTrue(f != null, "dom0 answered");
        return HypercallCodec.decodeReply(f.kind(), f.body());
    }
}
