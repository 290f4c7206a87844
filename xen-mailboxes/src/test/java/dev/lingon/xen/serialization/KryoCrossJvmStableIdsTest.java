package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Circle;
import dev.lingon.xen.serialization.Messages.Colour;
import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.Order;
import dev.lingon.xen.serialization.Messages.Plain;
import dev.lingon.xen.serialization.Messages.Pong;
import dev.lingon.xen.serialization.Messages.Square;
import dev.lingon.xen.serialization.Messages.Triangle;

import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Ids do not depend on registration order or on anything of one JVM: two serializers whose
 * registrations come in different orders (one with extra classes) write the same bytes and read each
 * other's; the bytes of a message are pinned; and a separate JVM reads what this one wrote and back.
 */
class KryoCrossJvmStableIdsTest {
    static final String PREFIX = "dev.lingon.xen.serialization.Messages$";

    static final String FIRST = """
            lingon.serialization.kryo.classes = ["%sWire"]
            lingon.serialization.kryo.ids { "%sSquare" = 400 }
            """.formatted(PREFIX, PREFIX);

    /** The same classes listed one by one in another order, plus classes the first system does not have. */
    static final String SECOND = """
            lingon.serialization.kryo.classes = ["dev.lingon.xen.serialization.Parcel", "%sTriangle", "%sPlain", "%sNotJava",
              "%sDeep", "%sClassicRefHolder", "%sRefHolder", "%sHolder", "%sCircle", "%sOrder", "%sColour", "%sPong", "%sPing",
              "%sSquare"]
            lingon.serialization.kryo.ids { "%sSquare" = 400 }
            lingon.serialization.kryo.registrars = ["dev.lingon.xen.serialization.KryoRegistrationTest$ParcelRegistrar"]
            """.formatted(PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX, PREFIX);

    /** The peer JVM's registrations: sealed subtrees first, then the root. */
    static final String PEER_REGISTRATIONS = """
            lingon.serialization.kryo.classes = ["%sShape", "%sColour", "%sWire"]
            lingon.serialization.kryo.ids { "%sSquare" = 400 }
            """.formatted(PREFIX, PREFIX, PREFIX, PREFIX);

    static ActorTestKit first;
    static ActorTestKit second;
    static KryoSerializer kryoFirst;
    static KryoSerializer kryoSecond;

    static List<Object> samples() {
        return List.of(
                new Pong("hi"),
                new Square(2),
                new Order(new UUID(1, 2), "lingon", 3, Instant.parse("2025-11-26T10:15:30Z"), Duration.ofMillis(1500),
                        Optional.of("note"), List.of("a", "b"), Map.of("x", 1), EnumSet.of(Colour.RED, Colour.BLUE), Colour.GREEN),
                new Holder(List.of(new Circle(1), new Triangle(3, 4, 5), Set.of(Colour.RED), Map.of("done", Done.getInstance()))),
                new Plain("plain", 7, 8),
                Colour.BLUE,
                List.of(new Square(1), new Square(2)));
    }

    @BeforeAll
    static void start() {
        first = TestSystems.local("KryoCrossJvmFirst", FIRST);
        second = TestSystems.local("KryoCrossJvmSecond", SECOND);
        kryoFirst = TestSystems.serializer(first);
        kryoSecond = TestSystems.serializer(second);
    }

    @AfterAll
    static void stop() {
        first.shutdownTestKit();
        second.shutdownTestKit();
    }

    @Test
    void registrationsInAnotherOrderGiveTheSameIdsAndTheSameBytes() {
        for (Class<?> type : Messages.Wire.class.getPermittedSubclasses()) {
            if (!type.isInterface()) {
                assertEquals(kryoFirst.registeredId(type), kryoSecond.registeredId(type), type.getName());
            }
        }
        for (Object sample : samples()) {
            byte[] fromFirst = kryoFirst.toBinary(sample);
            assertArrayEquals(fromFirst, kryoSecond.toBinary(sample), sample.toString());
            assertEquals(sample, kryoSecond.fromBinary(fromFirst));
            assertEquals(sample, kryoFirst.fromBinary(kryoSecond.toBinary(sample)));
        }
    }

    @Test
    void theBytesOfAMessageArePinned() {
        // varint(71214444 + 2) for Messages$Pong, then "hi" as Kryo's ASCII string (last char | 0x80).
        assertEquals("ee ca fa 21 68 e9", hex(kryoFirst.toBinary(new Pong("hi"))));
        // varint(400 + 2) for the explicit id of Square, then the double 2.0 little-endian.
        assertEquals("92 03 00 00 00 00 00 00 00 40", hex(kryoFirst.toBinary(new Square(2))));
    }

    @Test
    void anotherJvmReadsWhatThisOneWroteAndThisOneReadsItsAnswer(@TempDir Path dir) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        for (Object sample : samples()) {
            frames.add(kryoFirst.toBinary(sample));
        }
        CrossJvmPeer.writeFrames(dir.resolve("from-test.bin"), frames);

        Path log = dir.resolve("peer.log");
        Process peer = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-Dkryo.unsafe=false", "-XX:TieredStopAtLevel=1", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrossJvmPeer.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = peer.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            peer.destroyForcibly();
        }
        String report = Files.exists(dir.resolve("peer-report.txt")) ? Files.readString(dir.resolve("peer-report.txt")) : "";
        assertTrue(exited, "the peer JVM did not finish within 60 s; its output:\n" + Files.readString(log));
        assertEquals(0, peer.exitValue(), "the peer JVM failed: " + report + "\nits output:\n" + Files.readString(log));

        List<byte[]> answer = CrossJvmPeer.readFrames(dir.resolve("from-peer.bin"));
        assertEquals(samples().size(), answer.size());
        for (int i = 0; i < answer.size(); i++) {
            assertEquals(samples().get(i), kryoFirst.fromBinary(answer.get(i)));
            assertArrayEquals(frames.get(i), answer.get(i), "both JVMs write the same bytes");
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
