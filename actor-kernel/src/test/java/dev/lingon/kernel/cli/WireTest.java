package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireTest {

    static final DomainSpec SPEC = new DomainSpec("wéb", 3, 512, "com.example.WebApp",
            DomainRestartPolicy.defaults().withOnCrash(DomainAction.RENAME_RESTART).withOnPoweroff(DomainAction.PRESERVE)
                    .withIntensity(4, Duration.ofSeconds(90)),
            DomainSpec.Backend.PROCESS, Map.of("port", "8080", "greeting", "hej = ☃", "empty", ""), "/etc/lingon/web.cfg");

    private static Request roundTrip(Request r) throws IOException {
        return Wire.decodeRequest(ByteBuffer.wrap(Wire.encode(r)));
    }

    private static Response roundTrip(Response r) throws IOException {
        return Wire.decodeResponse(ByteBuffer.wrap(Wire.encode(r)));
    }

    @Test
    void everyRequestRoundTrips() throws IOException {
        List<Request> all = List.of(new Request.ListDomains(), new Request.Create(SPEC), new Request.Top(),
                new Request.Console("web", true), new Request.Console("7", false));
        for (Request r : all) {
            assertEquals(r, roundTrip(r));
        }
        for (Request.Op op : Request.Op.values()) {
            Request r = new Request.Lifecycle(op, "web");
            assertEquals(r, roundTrip(r));
        }
    }

    @Test
    void everyResponseRoundTrips() throws IOException {
        DomainStatus s = new DomainStatus("web", 3, 'p', 2, 512, Duration.ofMillis(12_345));
        List<Response> all = List.of(
                new Response.Domains(List.of(new DomainStatus("Domain-0", 0, 'r', 4, 4096, Duration.ofHours(2)), s)),
                new Response.Domains(List.of()),
                new Response.Created(s),
                new Response.Done(),
                new Response.Tops(List.of(new DomainTop("web", 3, 2, 150.5, 1e6, 0.25, 42, 7))),
                new Response.ConsoleLine("a line with ünïcode, \t tabs and \"quotes\""),
                new Response.ConsoleLine(""));
        for (Response r : all) {
            assertEquals(r, roundTrip(r));
        }
        for (Dom0Exception.Kind k : Dom0Exception.Kind.values()) {
            Response r = new Response.Failure(k, "what went wrong");
            assertEquals(r, roundTrip(r));
        }
    }

    @Test
    void aSpecEncodesToTheSameBytesWhateverTheOrderOfItsExtras() {
        DomainSpec reordered = SPEC.withExtra(new java.util.TreeMap<>(SPEC.extra()).descendingMap());
        assertArrayEquals(Wire.encode(new Request.Create(SPEC)), Wire.encode(new Request.Create(reordered)));
    }

    @Test
    void anUnknownFailureKindFromANewerDom0BecomesFailed() throws IOException {
        byte[] bytes = Wire.encode(new Response.Failure(Dom0Exception.Kind.WRONG_STATE, "m"));
        String patched = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("WRONG_STATE", "NEW_THING__");
        Response r = Wire.decodeResponse(ByteBuffer.wrap(patched.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertEquals(new Response.Failure(Dom0Exception.Kind.FAILED, "m"), r);
    }

    @Test
    void malformedMessagesAreRefused() {
        byte[] list = Wire.encode(new Request.ListDomains());
        byte[] wrongVersion = list.clone();
        wrongVersion[0] = 9;
        assertEquals("protocol version 9 is not spoken here (this dom0 speaks 1)",
                assertThrows(Wire.ProtocolException.class, () -> Wire.decodeRequest(ByteBuffer.wrap(wrongVersion))).getMessage());
        assertEquals("unknown request tag 99", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeRequest(ByteBuffer.wrap(new byte[] {1, 99}))).getMessage());
        assertEquals("unknown response tag 0", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeResponse(ByteBuffer.wrap(new byte[] {0}))).getMessage());
        byte[] tops = Wire.encode(new Response.Tops(List.of(new DomainTop("web", 3, 2, 1, 2, 3, 4, 5))));
        assertEquals("message ends early", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeResponse(ByteBuffer.wrap(tops, 0, tops.length - 2).slice())).getMessage());
        byte[] create = Wire.encode(new Request.Create(SPEC));
        assertEquals("string length 19 exceeds the frame", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeRequest(ByteBuffer.wrap(create, 0, create.length - 3).slice())).getMessage());
        byte[] longer = java.util.Arrays.copyOf(list, list.length + 2);
        assertEquals("2 bytes left over after the message", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeRequest(ByteBuffer.wrap(longer))).getMessage());
        assertTrue(assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeResponse(ByteBuffer.wrap(new byte[] {5, 0x7f, 0, 0, 0}))).getMessage()
                .startsWith("string length"));
        assertEquals("boolean field holds 2", assertThrows(Wire.ProtocolException.class,
                () -> Wire.decodeRequest(ByteBuffer.wrap(new byte[] {1, 4, 0, 0, 0, 1, 'w', 2}))).getMessage());
    }

    @Test
    void framesCarryTheirLengthAndRefuseNonsense() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Wire.writeFrame(Channels.newChannel(sink), new byte[] {7, 8, 9});
        byte[] bytes = sink.toByteArray();
        assertArrayEquals(new byte[] {0, 0, 0, 3, 7, 8, 9}, bytes);
        ByteBuffer frame = Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(bytes))).orElseThrow();
        assertEquals(3, frame.remaining());
        assertTrue(Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[0]))).isEmpty(),
                "a clean end between frames");
        assertThrows(EOFException.class,
                () -> Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[] {0, 0, 0, 3, 7}))));
        assertThrows(EOFException.class,
                () -> Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[] {0, 0}))));
        assertEquals("frame length 4294967295 is outside 1..16777216", assertThrows(Wire.ProtocolException.class,
                () -> Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[] {-1, -1, -1, -1})))).getMessage());
        assertEquals("frame length 0 is outside 1..16777216", assertThrows(Wire.ProtocolException.class,
                () -> Wire.readFrame(Channels.newChannel(new java.io.ByteArrayInputStream(new byte[] {0, 0, 0, 0})))).getMessage());
    }
}
