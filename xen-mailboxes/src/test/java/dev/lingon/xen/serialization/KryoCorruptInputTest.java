package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Colour;
import dev.lingon.xen.serialization.Messages.Deep;
import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.Order;
import dev.lingon.xen.serialization.Messages.Plain;
import dev.lingon.xen.serialization.Messages.Square;

import com.esotericsoftware.kryo.io.Output;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Truncated, corrupt and hostile bytes: each is a clear {@link DecodeResult.Malformed} (or
 * {@link MalformedMessageException}), never a hang, an out-of-memory error or a stray exception, and
 * the serializer keeps working afterwards. The random sweep prints its seed when it fails; rerun with
 * {@code -Dlingon.test.args=-Dlingon.corrupt.seed=<seed>}.
 */
class KryoCorruptInputTest {
    static final int GIB = 1 << 30;

    static ActorTestKit kit;
    static ActorTestKit deepWriter;
    static KryoSerializer kryo;

    @BeforeAll
    static void start() {
        kit = TestSystems.local("KryoCorruptInputTest", "");
        deepWriter = TestSystems.local("KryoCorruptInputTestDeep", "lingon.serialization.kryo.max-depth = 1000");
        kryo = TestSystems.serializer(kit);
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
        deepWriter.shutdownTestKit();
    }

    static List<Object> samples() {
        return List.of(
                new Order(new UUID(7, 11), "lingon", 3, Instant.parse("2025-11-26T10:15:30Z"), Duration.ofSeconds(9),
                        Optional.of("note"), List.of("a", "bb", "ccc"), Map.of("x", 1, "y", 2), EnumSet.of(Colour.GREEN), Colour.BLUE),
                new Holder(List.of(Map.of("k", new ArrayList<>(List.of(1, 2.5, "three"))), Set.of(new Square(2)),
                        new TreeMap<>(Map.of("t", new byte[] {1, 2, 3})))),
                new Plain("plain", 1, 2, 3, Long.MAX_VALUE),
                "a string with ünïcödé",
                new int[] {1, 2, 3, 4});
    }

    @Test
    void everyTruncationIsMalformedAndConsumesNothing() {
        for (Object sample : samples()) {
            byte[] whole = kryo.toBinary(sample);
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(whole, length);
                MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(cut),
                        sample.getClass() + " cut to " + length);
                assertTrue(e.getMessage().startsWith("malformed message (" + length + " bytes"), e.getMessage());
                ByteBuffer direct = ByteBuffer.allocateDirect(length + 3).put(cut).flip();
                direct.position(0);
                assertInstanceOf(DecodeResult.Malformed.class, kryo.decode(direct));
                assertEquals(0, direct.position(), "a malformed buffer is not consumed");
                ByteBuffer readOnly = ByteBuffer.wrap(cut).asReadOnlyBuffer();
                assertInstanceOf(DecodeResult.Malformed.class, kryo.decode(readOnly), "read-only buffers are never written");
            }
        }
        assertEquals("ok", kryo.fromBinary(kryo.toBinary("ok")));
        ByteBuffer readOnly = ByteBuffer.wrap(kryo.toBinary(samples().getFirst())).asReadOnlyBuffer();
        assertEquals(new DecodeResult.Decoded(samples().getFirst()), kryo.decode(readOnly));
    }

    @Test
    void aTruncatedMessageSaysSo() {
        byte[] whole = kryo.toBinary(samples().getFirst());
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> kryo.fromBinary(java.util.Arrays.copyOf(whole, whole.length - 1)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    static Stream<Arguments> hostileClaims() {
        return Stream.of(
                Arguments.of("a string of a billion chars", bytes(o -> {
                    o.writeVarInt(1 + 2, true);
                    o.writeVarIntFlag(true, GIB + 1, true);
                    o.writeByte('a');
                }), "string claims"),
                Arguments.of("a byte[] of a billion", bytes(o -> {
                    o.writeVarInt(10 + 2, true);
                    o.writeVarInt(GIB + 1, true);
                }), "claims " + GIB),
                Arguments.of("an int[] of a billion", bytes(o -> {
                    o.writeVarInt(13 + 2, true);
                    o.writeVarInt(GIB + 1, true);
                }), "claims " + GIB),
                Arguments.of("a String[] of a billion", bytes(o -> {
                    o.writeVarInt(18 + 2, true);
                    o.writeVarInt(GIB + 1, true);
                }), "claims " + GIB),
                Arguments.of("a byte[] of negative length", bytes(o -> {
                    o.writeVarInt(10 + 2, true);
                    o.writeVarInt(-1, true);
                }), "claims -2"),
                Arguments.of("a BigInteger of a billion bytes", bytes(o -> {
                    o.writeVarInt(20 + 2, true);
                    o.writeVarInt(GIB + 1, true);
                }), "byte array claims"),
                Arguments.of("an ArrayList of a billion", bytes(o -> {
                    o.writeVarInt(50 + 2, true);
                    o.writeVarIntFlag(false, GIB + 1, true);
                }), "java.util.ArrayList claims " + GIB),
                Arguments.of("a HashMap of a billion", bytes(o -> {
                    o.writeVarInt(56 + 2, true);
                    o.writeVarInt(GIB + 1, true);
                }), "java.util.HashMap claims " + GIB),
                Arguments.of("a List.of of a billion", bytes(o -> {
                    o.writeVarInt(70 + 2, true);
                    o.writeVarInt(GIB, true);
                }), "collection claims " + GIB),
                Arguments.of("a Map.of of a billion", bytes(o -> {
                    o.writeVarInt(72 + 2, true);
                    o.writeVarInt(GIB, true);
                }), "map claims " + GIB),
                Arguments.of("a class by name", bytes(o -> {
                    o.writeVarInt(1, true);
                    o.writeVarInt(0, true);
                    o.writeString("java.lang.Runtime");
                }), "written by name"),
                Arguments.of("an unknown class id", bytes(o -> o.writeVarInt(5000 + 2, true)), "unknown class id 5000"),
                Arguments.of("a varint that never ends", new byte[] {(byte) 0x80, (byte) 0x80}, "truncated"),
                Arguments.of("nothing at all", new byte[0], "truncated"),
                Arguments.of("an enum ordinal out of range", bytes(o -> {
                    o.writeVarInt(KryoRegistry.hashedId(Colour.class.getName()) + 2, true);
                    o.writeVarInt(99, true);
                }), "Invalid ordinal"),
                Arguments.of("trailing bytes", concat(kryoBytes("x"), new byte[] {7, 7}), "2 bytes left over"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileClaims")
    void hostileBytesAreMalformedBeforeAnythingLargeIsAllocated(String what, byte[] bytes, String reason) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(bytes), what);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        DecodeResult result = kryo.decode(buffer);
        assertTrue(result instanceof DecodeResult.Malformed m && m.reason().contains(reason), result.toString());
        assertEquals(0, buffer.position());
    }

    @Test
    void nestingDeeperThanMaxDepthIsRefusedBothWays() {
        KryoSerializationException write = assertThrows(KryoSerializationException.class, () -> kryo.toBinary(Deep.nested(300)));
        assertTrue(write.getMessage().contains("lingon.serialization.kryo.max-depth"), write.getMessage());

        byte[] deep = TestSystems.serializer(deepWriter).toBinary(Deep.nested(300));
        MalformedMessageException read = assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(deep));
        assertTrue(read.getMessage().contains("deeper than lingon.serialization.kryo.max-depth"), read.getMessage());
        assertEquals(Deep.nested(100), kryo.fromBinary(kryo.toBinary(Deep.nested(100))));
    }

    @Test
    void randomCorruptionIsEitherAMessageOrMalformed() {
        long seed = Long.getLong("lingon.corrupt.seed", 20261126L);
        Random random = new Random(seed);
        List<byte[]> originals = samples().stream().map(kryo::toBinary).toList();
        int decoded = 0;
        int malformed = 0;
        for (int round = 0; round < 3_000; round++) {
            byte[] mutant = mutate(originals.get(random.nextInt(originals.size())), random);
            try {
                for (ByteBuffer buffer : List.of(ByteBuffer.wrap(mutant), ByteBuffer.allocateDirect(mutant.length).put(mutant).flip())) {
                    DecodeResult result = kryo.decode(buffer);
                    if (result instanceof DecodeResult.Decoded) {
                        decoded++;
                        assertEquals(buffer.limit(), buffer.position());
                    } else {
                        malformed++;
                        assertEquals(0, buffer.position());
                    }
                }
            } catch (Throwable t) {
                fail("seed " + seed + ", round " + round + ": decode threw instead of answering", t);
            }
        }
        assertTrue(malformed > 0, "seed " + seed + ": the mutations produced no malformed input");
        assertEquals(samples().get(2), kryo.fromBinary(kryo.toBinary(samples().get(2))), "still works, seed " + seed);
        org.slf4j.LoggerFactory.getLogger(KryoCorruptInputTest.class)
                .debug("seed {}: {} decoded, {} malformed", seed, decoded, malformed);
    }

    static byte[] mutate(byte[] original, Random random) {
        byte[] bytes = original.clone();
        switch (random.nextInt(4)) {
            case 0 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            case 1 -> {
                for (int i = 0; i < 3; i++) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> {
                int at = random.nextInt(bytes.length);
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = (byte) random.nextInt(256);
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                bytes = longer;
            }
            default -> {
                int at = random.nextInt(bytes.length);
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                bytes = shorter;
            }
        }
        return bytes;
    }

    static byte[] bytes(Consumer<Output> writer) {
        Output output = new Output(64, -1);
        writer.accept(output);
        return output.toBytes();
    }

    static byte[] kryoBytes(Object message) {
        Output output = new Output(64, -1);
        output.writeVarInt(1 + 2, true);
        output.writeString((String) message);
        return output.toBytes();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
