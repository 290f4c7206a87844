package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Circle;
import dev.lingon.xen.serialization.Messages.Colour;
import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.NotJava;
import dev.lingon.xen.serialization.Messages.Order;
import dev.lingon.xen.serialization.Messages.Plain;
import dev.lingon.xen.serialization.Messages.Pong;
import dev.lingon.xen.serialization.Messages.Square;
import dev.lingon.xen.serialization.Messages.Triangle;
import dev.lingon.xen.serialization.Messages.Unregistered;

import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Round trips of every supported kind through bytes and buffers, the buffer contract, pooling. */
class KryoSerializerTest {
    static ActorTestKit kit;
    static ActorTestKit small;
    static KryoSerializer kryo;
    static KryoSerializer smallKryo;

    @BeforeAll
    static void start() {
        kit = TestSystems.local("KryoSerializerTest", "");
        small = TestSystems.local("KryoSerializerTestSmall", """
                lingon.serialization.kryo.max-message-size = 1 KiB
                lingon.serialization.kryo.buffer-size = 64
                lingon.serialization.kryo.pool-size = 1
                """);
        kryo = TestSystems.serializer(kit);
        smallKryo = TestSystems.serializer(small);
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
        small.shutdownTestKit();
    }

    static Order order() {
        return new Order(UUID.fromString("0b5c4f2e-6a0e-4d8b-9d55-8f0a2b3c4d5e"), "lingonberries", 3,
                Instant.parse("2025-11-26T10:15:30.123456789Z"), Duration.ofMillis(1500), Optional.of("fresh"),
                List.of("red", "sour"), Map.of("jars", 2), EnumSet.of(Colour.RED), Colour.RED);
    }

    static Stream<Object> values() {
        return Stream.of(
                42, -7L, 3.5d, 2.5f, true, 'x', (short) 12, (byte) -3, "text", "", "ünïcödé ✓ 𝄞",
                Integer.MIN_VALUE, Long.MAX_VALUE, Double.NaN,
                new BigInteger("123456789012345678901234567890"), BigInteger.ZERO, new BigDecimal("-12.3450"),
                UUID.fromString("0b5c4f2e-6a0e-4d8b-9d55-8f0a2b3c4d5e"), URI.create("https://lingon.dev/a?b=c"),
                Instant.parse("2025-11-26T10:15:30.123456789Z"), Duration.ofSeconds(-3, 5), LocalDate.of(2025, 11, 26),
                LocalTime.of(10, 15, 30, 7), LocalDateTime.of(2025, 11, 26, 10, 15),
                OffsetDateTime.of(2025, 11, 26, 10, 15, 0, 0, ZoneOffset.ofHours(2)),
                OffsetTime.of(10, 15, 0, 0, ZoneOffset.ofHoursMinutes(-3, -30)),
                ZonedDateTime.of(2025, 11, 26, 10, 15, 0, 0, ZoneId.of("Europe/Stockholm")), ZoneOffset.ofHours(2),
                ZoneId.of("Europe/Stockholm"), Period.of(1, 2, 3), Year.of(2025), YearMonth.of(2025, 11), MonthDay.of(11, 26),
                Optional.of("x"), Optional.empty(), Optional.of(List.of(1, 2)), OptionalInt.of(3), OptionalLong.empty(),
                OptionalDouble.of(1.5),
                List.of(), List.of(1), List.of(1, 2), List.of(1, 2, 3, 4), List.of(1, 2, 3, 4).subList(1, 3),
                Stream.of("a", null, "c").toList(), Stream.of("a", "b").toList(),
                Set.of(), Set.of("a"), Set.of("a", "b"), Set.of("a", "b", "c", "d"),
                Map.of(), Map.of("k", 1), Map.of("a", 1, "b", 2, "c", 3), Map.copyOf(Map.of("x", List.of(1))),
                Collections.unmodifiableList(new ArrayList<>(Arrays.asList(1, null, 2))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1))), Collections.emptyList(),
                Collections.singletonList("s"),
                Collections.unmodifiableSet(new LinkedHashSet<>(List.of("z", "a", "m"))), Collections.emptySet(),
                Collections.singleton(1),
                Collections.unmodifiableSortedSet(new TreeSet<>(List.of(3, 1, 2))), Collections.emptySortedSet(),
                Collections.unmodifiableNavigableSet(new TreeSet<>(Comparator.<Integer>reverseOrder())),
                Collections.unmodifiableMap(new LinkedHashMap<>(Map.of("k", "v"))), Collections.emptyMap(),
                Collections.singletonMap("k", "v"),
                Collections.unmodifiableSortedMap(new TreeMap<>(Map.of("b", 2, "a", 1))), Collections.emptyNavigableMap(),
                new ArrayList<>(List.of(1, "two", 3.0)), new LinkedList<>(List.of("a", "b")),
                new HashSet<>(List.of(1, 2, 3)), new LinkedHashSet<>(List.of("z", "y", "x")),
                sorted(new TreeSet<>(String.CASE_INSENSITIVE_ORDER), "b", "A", "c"), new TreeSet<>(List.of(5, 4)),
                new HashMap<>(Map.of("a", 1, "b", 2)), linked("z", 26, "a", 1), reversed("a", 1, "b", 2),
                new TreeMap<>(Map.of(1, "one", 2, "two")), new ConcurrentHashMap<>(Map.of("c", 3)),
                EnumSet.of(Colour.RED, Colour.BLUE), EnumSet.noneOf(Colour.class), EnumSet.allOf(Colour.class),
                Arrays.asList(1, 2, 3),
                Colour.GREEN, new Circle(1.5), new Square(2), new Triangle(3, 4, 5), order(), new Pong("p"),
                new Plain("plain", 1, 2, 3), new NotJava("payload"), Done.getInstance(), NotUsed.getInstance(),
                new Holder(List.of(Map.of("nested", Set.of(Colour.RED)), Optional.of(new Circle(2)))),
                new Holder(null), Comparator.naturalOrder(), Collections.reverseOrder(), String.CASE_INSENSITIVE_ORDER);
    }

    static Stream<Object> arrays() {
        return Stream.of(new byte[] {1, -2, 3}, new byte[0], new char[] {'a', 'ö'}, new short[] {1, -1},
                new int[] {1, Integer.MAX_VALUE}, new long[] {Long.MIN_VALUE, 0}, new float[] {1.5f}, new double[] {-0.0, 2},
                new boolean[] {true, false}, new String[] {"a", null, "c"});
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTripsThroughBytes(Object value) {
        assertSameValue(value, kryo.fromBinary(kryo.toBinary(value)));
    }

    @ParameterizedTest
    @MethodSource("values")
    void roundTripsThroughHeapAndDirectBuffersWithTheSameBytes(Object value) {
        byte[] bytes = kryo.toBinary(value);
        for (ByteBuffer buffer : List.of(ByteBuffer.allocate(4096), ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN))) {
            int written = kryo.encode(value, buffer);
            assertEquals(bytes.length, written);
            buffer.flip();
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            assertArrayEquals(bytes, copy, "a buffer holds the same bytes as toBinary");
            Object read = kryo.fromBinary(buffer, "");
            assertEquals(buffer.limit(), buffer.position(), "reading consumes the message");
            assertSameValue(value, read);
        }
    }

    @ParameterizedTest
    @MethodSource("values")
    void readsAMessageInTheMiddleOfAHeapBufferAndConsumesExactlyIt(Object value) {
        byte[] bytes = kryo.toBinary(value);
        // A frame: 7 bytes of header before the message, inside a slice that starts 5 bytes into its array.
        byte[] frame = new byte[5 + 7 + bytes.length + 9];
        System.arraycopy(bytes, 0, frame, 5 + 7, bytes.length);
        ByteBuffer buffer = ByteBuffer.wrap(frame).position(5).slice().limit(7 + bytes.length).position(7);
        assertEquals(5, buffer.arrayOffset());
        assertSameValue(value, kryo.fromBinary(buffer, ""));
        assertEquals(buffer.limit(), buffer.position(), "reading consumes the message");

        if (bytes.length > 1) {
            ByteBuffer cut = ByteBuffer.wrap(frame).position(5).slice().limit(7 + bytes.length - 1).position(7);
            assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(cut, ""));
            assertEquals(7, cut.position(), "a malformed message is not consumed");
        }
    }

    @ParameterizedTest
    @MethodSource("values")
    void readsAMessageFromARegionOfAnArray(Object value) {
        byte[] bytes = kryo.toBinary(value);
        byte[] frame = new byte[3 + bytes.length + 4];
        System.arraycopy(bytes, 0, frame, 3, bytes.length);
        assertSameValue(value, kryo.fromBinary(frame, 3, bytes.length));
        assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(frame, 3, bytes.length + 1), "a byte too many is not one message");
        if (bytes.length > 1) {
            assertThrows(MalformedMessageException.class, () -> kryo.fromBinary(frame, 3, bytes.length - 1), "a truncated message");
        }
        assertThrows(IndexOutOfBoundsException.class, () -> kryo.fromBinary(frame, 3, frame.length));
        assertThrows(IndexOutOfBoundsException.class, () -> kryo.fromBinary(frame, -1, 2));
    }

    @ParameterizedTest
    @MethodSource("arrays")
    void roundTripsArrays(Object array) {
        Object read = kryo.fromBinary(kryo.toBinary(array));
        assertEquals(array.getClass(), read.getClass());
        assertTrue(Arrays.deepEquals(new Object[] {array}, new Object[] {read}));
    }

    @Test
    void nullRoundTripsAsOneByte() {
        byte[] bytes = kryo.toBinary(null);
        assertArrayEquals(new byte[] {0}, bytes);
        assertNull(kryo.fromBinary(bytes));
    }

    @Test
    void enumsAndSingletonsComeBackAsTheSameInstance() {
        assertSame(Colour.BLUE, kryo.fromBinary(kryo.toBinary(Colour.BLUE)));
        assertSame(Done.getInstance(), kryo.fromBinary(kryo.toBinary(Done.getInstance())));
        assertSame(String.CASE_INSENSITIVE_ORDER, kryo.fromBinary(kryo.toBinary(String.CASE_INSENSITIVE_ORDER)));
    }

    @Test
    void sortedCollectionsKeepTheirComparator() {
        TreeSet<String> set = sorted(new TreeSet<>(String.CASE_INSENSITIVE_ORDER), "b", "A");
        assertSame(String.CASE_INSENSITIVE_ORDER, ((TreeSet<?>) kryo.fromBinary(kryo.toBinary(set))).comparator());
        SortedMap<String, Integer> reversed = Collections.unmodifiableSortedMap(reversed("a", 1, "b", 2));
        SortedMap<?, ?> read = (SortedMap<?, ?>) kryo.fromBinary(kryo.toBinary(reversed));
        assertSame(Collections.reverseOrder(), read.comparator());
        assertEquals(List.of("b", "a"), new ArrayList<>(read.keySet()));
    }

    @Test
    void mutableCollectionsComeBackMutableAndOfTheSameClass() {
        for (Object value : List.of(new ArrayList<>(List.of(1)), new LinkedList<>(List.of(1)), new HashSet<>(List.of(1)),
                new LinkedHashSet<>(List.of(1)), new TreeSet<>(List.of(1)), new HashMap<>(Map.of(1, 1)),
                new LinkedHashMap<>(Map.of(1, 1)), new TreeMap<>(Map.of(1, 1)), new ConcurrentHashMap<>(Map.of(1, 1)),
                new ArrayDeque<>(List.of(1, 2)))) {
            Object read = kryo.fromBinary(kryo.toBinary(value));
            assertEquals(value.getClass(), read.getClass());
            if (read instanceof Collection<?> c) {
                assertDoesNotThrow(() -> addAnything(c));
            } else {
                assertDoesNotThrow(() -> putAnything((Map<?, ?>) read));
            }
        }
        ArrayDeque<?> deque = (ArrayDeque<?>) kryo.fromBinary(kryo.toBinary(new ArrayDeque<>(List.of(1, 2))));
        assertEquals(List.of(1, 2), new ArrayList<>(deque));
    }

    /** A direct buffer, and a heap buffer that is a slice 3 bytes into its array (Kryo's array output then works on the array). */
    static List<ByteBuffer> directAndSlicedHeap(int capacity) {
        return List.of(ByteBuffer.allocateDirect(capacity), ByteBuffer.wrap(new byte[capacity + 7]).slice(3, capacity));
    }

    @Test
    void encodeIntoAPositionedBufferWritesOnlyUpToItsLimit() {
        byte[] bytes = kryo.toBinary(order());
        for (ByteBuffer buffer : directAndSlicedHeap(bytes.length + 16)) {
            for (int i = 0; i < buffer.capacity(); i++) {
                buffer.put(i, (byte) 0x5A);
            }
            buffer.position(5).limit(5 + bytes.length);
            assertEquals(bytes.length, kryo.encode(order(), buffer));
            assertEquals(5 + bytes.length, buffer.position());
            ByteBuffer whole = buffer.duplicate().clear();
            assertEquals((byte) 0x5A, whole.get(4), "nothing written before the position");
            assertEquals((byte) 0x5A, whole.get(5 + bytes.length), "nothing written past the limit");
            byte[] written = new byte[bytes.length];
            whole.get(5, written);
            assertArrayEquals(bytes, written, "the same bytes as toBinary, direct or heap");
            buffer.position(5);
            assertEquals(order(), kryo.fromBinary(buffer, ""));
        }
    }

    @Test
    void aMessageThatDoesNotFitIsAValueAndConsumesNothing() {
        byte[] bytes = kryo.toBinary(order());
        for (ByteBuffer buffer : directAndSlicedHeap(bytes.length)) {
            buffer.position(1);
            assertEquals(KryoSerializer.DOES_NOT_FIT, kryo.encode(order(), buffer));
            assertEquals(1, buffer.position());
            buffer.clear();
            assertEquals(bytes.length, kryo.encode(order(), buffer), "the same buffer takes it once there is room");
        }
        assertEquals(KryoSerializer.DOES_NOT_FIT, kryo.encode(order(), ByteBuffer.allocate(0)));
        ByteBuffer array = ByteBuffer.wrap(new byte[bytes.length + 8]);
        array.limit(bytes.length - 1);
        assertEquals(KryoSerializer.DOES_NOT_FIT, kryo.encode(order(), array));
        assertEquals(0, array.array()[bytes.length - 1], "nothing written past the limit into the rest of the array");
        assertEquals(0, array.array()[bytes.length], "nothing written past the limit into the rest of the array");
    }

    @Test
    void toBinaryIntoABufferThrowsBufferOverflowAsArteryExpects() {
        ByteBuffer buffer = ByteBuffer.allocate(8);
        assertThrows(BufferOverflowException.class, () -> kryo.toBinary(order(), buffer));
        assertEquals(0, buffer.position());
    }

    @Test
    void encodeRefusesAReadOnlyBuffer() {
        assertThrows(IllegalArgumentException.class, () -> kryo.encode("x", ByteBuffer.allocate(16).asReadOnlyBuffer()));
    }

    @Test
    void aMessageLargerThanMaxMessageSizeIsRefusedByName() {
        KryoSerializationException e = assertThrows(KryoSerializationException.class,
                () -> smallKryo.toBinary(new Holder(new byte[2048])));
        assertTrue(e.getMessage().contains(Holder.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.max-message-size"), e.getMessage());
        ByteBuffer big = ByteBuffer.allocate(4096);
        assertTrue(smallKryo.encode(new Holder(new byte[2048]), big) > 2048, "a caller's buffer is bounded by itself");
    }

    @Test
    void failuresLeaveThePooledKryoUsable() {
        assertEquals(1, smallKryo.idleKryoInstances());
        for (int i = 0; i < 3; i++) {
            assertThrows(UnregisteredClassException.class,
                    () -> smallKryo.toBinary(new Holder(List.of(Map.of("k", List.of(new Unregistered("deep")))))));
            assertThrows(MalformedMessageException.class, () -> smallKryo.fromBinary(new byte[] {(byte) 0x80}));
            assertEquals(KryoSerializer.DOES_NOT_FIT, smallKryo.encode(order(), ByteBuffer.allocate(20)));
            assertEquals(order(), smallKryo.fromBinary(smallKryo.toBinary(order())));
            assertArrayEquals(kryo.toBinary(order()), smallKryo.toBinary(order()), "same registrations, same bytes");
        }
        assertEquals(1, smallKryo.idleKryoInstances(), "the one pooled instance was reused, not replaced");
    }

    @Test
    void manyThreadsShareOneSerializer() throws Exception {
        int threads = 6;
        int rounds = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    ByteBuffer buffer = ByteBuffer.allocateDirect(512);
                    for (int i = 0; i < rounds; i++) {
                        Order o = new Order(new UUID(thread, i), "item-" + i, i, Instant.ofEpochSecond(i), Duration.ofMillis(i),
                                Optional.empty(), List.of("t" + thread), Map.of("i", i), Set.of(), Colour.values()[i % 3]);
                        assertEquals(o, kryo.fromBinary(kryo.toBinary(o)));
                        buffer.clear();
                        kryo.encode(o, buffer);
                        buffer.flip();
                        assertEquals(new DecodeResult.Decoded(o), kryo.decode(buffer));
                    }
                    return rounds;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(rounds, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(kryo.idleKryoInstances() <= 16);
    }

    static void assertSameValue(Object expected, Object actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        if (expected instanceof Double d && d.isNaN()) {
            assertTrue(((Double) actual).isNaN());
            return;
        }
        assertEquals(expected, actual);
        if (orderMatters(expected)) {
            assertEquals(elements(expected), elements(actual), "iteration order is kept");
        }
        if (isUnmodifiable(expected)) {
            assertThrows(UnsupportedOperationException.class,
                    () -> {
                        if (actual instanceof Collection<?> c) {
                            addAnything(c);
                        } else {
                            putAnything((Map<?, ?>) actual);
                        }
                    }, "an unmodifiable collection comes back unmodifiable: " + actual.getClass());
        }
    }

    static boolean orderMatters(Object value) {
        if (!(value instanceof Collection || value instanceof Map)) {
            return false;
        }
        return value instanceof List || value instanceof SortedSet || value instanceof SortedMap
                || value instanceof LinkedHashSet || value instanceof LinkedHashMap
                || value.getClass().getName().startsWith("java.util.Collections$");
    }

    static boolean isUnmodifiable(Object value) {
        String name = value.getClass().getName();
        return (value instanceof Collection || value instanceof Map)
                && (name.startsWith("java.util.ImmutableCollections$") || name.startsWith("java.util.Collections$"));
    }

    static List<Object> elements(Object value) {
        return value instanceof Map<?, ?> m ? new ArrayList<>(m.entrySet()) : new ArrayList<>((Collection<?>) value);
    }

    @SuppressWarnings("unchecked")
    static void addAnything(Collection<?> c) {
        ((Collection<Object>) c).add(1);
    }

    @SuppressWarnings("unchecked")
    static void putAnything(Map<?, ?> m) {
        ((Map<Object, Object>) m).put(1, 1);
    }

    @SafeVarargs
    static <T> TreeSet<T> sorted(TreeSet<T> set, T... elements) {
        set.addAll(List.of(elements));
        return set;
    }

    static LinkedHashMap<String, Integer> linked(String k1, int v1, String k2, int v2) {
        LinkedHashMap<String, Integer> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }

    static TreeMap<String, Integer> reversed(String k1, int v1, String k2, int v2) {
        TreeMap<String, Integer> map = new TreeMap<>(Collections.reverseOrder());
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
