package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Dom0ServerClientTest {

    @TempDir
    Path dir;

    private Path socket;
    private FakeDom0 fake;
    private Dom0Server server;
    private Dom0Client client;

    @BeforeEach
    void serve() {
        socket = dir.resolve("dom0.sock");
        fake = new FakeDom0();
        server = Dom0Server.start(fake, socket);
        client = new Dom0Client(socket);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static DomainSpec spec(String name) {
        return DomainSpec.of(name, TestApp.class).withVcpus(2);
    }

    @Test
    void everyCallReachesTheToolstackAndItsAnswerComesBack() {
        DomainStatus web = client.create(spec("web"));
        assertEquals(new DomainStatus("web", 1, 'r', 2, 256, Duration.ZERO), web);
        assertEquals(fake.list(), client.list());
        client.pause("web");
        assertEquals('p', client.list().get(1).state());
        client.unpause("1");
        client.reboot("web");
        assertEquals(2, client.list().get(1).domid());
        assertEquals(fake.top(), client.top());
        client.shutdown("web");
        client.create(spec("db"));
        client.destroy("db");
        assertEquals(List.of("Domain-0"), client.list().stream().map(DomainStatus::name).toList());
        assertEquals(List.of("create web", "list", "list", "pause web", "list", "unpause 1", "reboot web", "list", "top", "top",
                "shutdown web", "create db", "destroy db", "list"), fake.calls());
    }

    @Test
    void theSpecCrossesTheSocketWhole() {
        client.create(WireTest.SPEC);
        assertEquals(WireTest.SPEC, fake.domain("wéb").spec);
    }

    @Test
    void failuresKeepTheirKindAndMessage() {
        Dom0Exception unknown = assertThrows(Dom0Exception.class, () -> client.shutdown("nope"));
        assertEquals(Dom0Exception.Kind.UNKNOWN_DOMAIN, unknown.kind());
        assertEquals("unknown domain: nope", unknown.getMessage());
        client.create(spec("web"));
        Dom0Exception twice = assertThrows(Dom0Exception.class, () -> client.create(spec("web")));
        assertEquals(Dom0Exception.Kind.ALREADY_EXISTS, twice.kind());
        Dom0Exception state = assertThrows(Dom0Exception.class, () -> client.unpause("web"));
        assertEquals(Dom0Exception.Kind.WRONG_STATE, state.kind());
        assertEquals("domain web is not paused", state.getMessage());
    }

    @Test
    void anythingElseTheToolstackThrowsIsReportedAsFailed() {
        fake.failure = new IllegalStateException("boom");
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> client.list());
        assertEquals(Dom0Exception.Kind.FAILED, e.kind());
        assertEquals("dom0 failed: java.lang.IllegalStateException: boom", e.getMessage());
        fake.failure = null;
        assertEquals(1, client.list().size(), "the server goes on serving");
    }

    @Test
    void consoleWithoutFollowGivesTheKeptLines() throws Exception {
        client.create(spec("web"));
        fake.emit("web", "hello");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AutoCloseable _ = client.console("web", false, lines::add)) {
            assertEquals(List.of("web booted", "hello"), lines);
        }
        assertThrows(Dom0Exception.class, () -> client.console("nope", false, lines::add));
    }

    @Test
    void aFollowedConsoleStreamsUntilTheClientClosesIt() {
        client.create(spec("web"));
        List<String> lines = new CopyOnWriteArrayList<>();
        Dom0Client.ConsoleFollow follow = client.console("web", true, lines::add);
        assertEquals(List.of("web booted"), lines, "kept lines arrive before console() returns");
        await().until(() -> fake.followers("web") == 1);
        fake.emit("web", "one");
        fake.emit("web", "two");
        await().until(() -> lines.size() == 3);
        assertEquals(List.of("web booted", "one", "two"), lines);
        follow.close();
        assertTrue(follow.hasEnded());
        await().until(() -> fake.followers("web") == 0);
        fake.emit("web", "after");
        assertEquals(3, lines.size(), "no line after close");
    }

    @Test
    void closingTheServerEndsFollowersAndRemovesTheSocket() throws InterruptedException {
        client.create(spec("web"));
        Dom0Client.ConsoleFollow follow = client.console("web", true, line -> { });
        assertFalse(follow.hasEnded());
        server.close();
        assertTrue(follow.awaitEnd(10, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(Files.exists(socket));
        assertEquals(0, fake.followers("web"));
    }

    @Test
    void aMalformedRequestIsAnsweredAndTheServerGoesOn() throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            Wire.writeFrame(ch, new byte[] {2, 1});
            Response r = Wire.decodeResponse(Wire.readFrame(ch).orElseThrow());
            assertEquals(new Response.Failure(Dom0Exception.Kind.FAILED,
                    "malformed request: protocol version 2 is not spoken here (this dom0 speaks 1)"), r);
            assertTrue(Wire.readFrame(ch).isEmpty(), "then the connection closes");
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0}));
            // A client that hangs up inside a frame costs the server nothing but the connection.
        }
        assertEquals(1, client.list().size());
    }

    @Test
    void withNoDom0TheClientSaysSoAndHowToStartOne() throws IOException {
        Path none = dir.resolve("none.sock");
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> new Dom0Client(none).list());
        assertEquals(Dom0Exception.Kind.DOM0_NOT_RUNNING, e.kind());
        assertEquals("dom0 is not running: no control socket at " + none + "; start it with `lingon run <config...>`",
                e.getMessage());

        Path stale = dir.resolve("stale.sock");
        ControlSocketTest.makeStale(stale);
        Dom0Exception s = assertThrows(Dom0Exception.class, () -> new Dom0Client(stale).list());
        assertEquals(Dom0Exception.Kind.DOM0_NOT_RUNNING, s.kind());
        assertEquals("dom0 is not running: the control socket at " + stale
                + " is stale (left by a dom0 that stopped); start it with `lingon run <config...>`", s.getMessage());
    }

    @Test
    void theConsoleHandleIsAFollowThatCanBeAwaited() {
        client.create(spec("web"));
        AutoCloseable h = client.console("web", false, line -> { });
        assertInstanceOf(Dom0Client.ConsoleFollow.class, h);
        assertTrue(((Dom0Client.ConsoleFollow) h).hasEnded());
    }
}
