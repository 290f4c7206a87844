package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Colour;
import dev.lingon.xen.serialization.Messages.Deep;
import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.Order;
import dev.lingon.xen.serialization.Messages.Square;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Lingon's record serializer writes exactly the bytes of Kryo's own reflective one (so the format is
 * Kryo's, documented and stable), reads them back through the canonical constructor, and keeps a
 * record's invariants.
 */
class KryoRecordSerializerTest {

    record Validated(String name, int count) {
        Validated {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative");
            }
        }
    }

    record Mixed(long big, boolean flag, char c, Colour colour, Object anything, String text, double ratio, Deep deep) {
    }

    /** Ints and longs are written without boxing when Kryo's own serializers own them: the bytes must not change. */
    record Counters(int small, long big, int negative, long zero, Integer boxed) {
    }

    /** Every leaf the generated code writes inline. */
    record Primitives(boolean z, byte b, char c, short s, int i, long l, float f, double d) {
    }

    /** Arrays compare by identity, so this one is checked field by field. */
    record Blob(long seq, byte[] data) {
    }

    /** Private: the generated class must be the record's nestmate to call its constructor. */
    private record Secret(String text, int n) {
    }

    /** A leaf ("n") read before the nested one ("next"), at every level. */
    record Chain(long n, Chain next) {
        static Chain of(int depth) {
            Chain c = null;
            for (int i = 0; i < depth; i++) {
                c = new Chain(i, c);
            }
            return c;
        }
    }

    static final List<Class<?>> RECORDS = List.of(Order.class, Holder.class, Square.class, Deep.class, Validated.class, Mixed.class,
            Counters.class, Primitives.class, Blob.class, Secret.class, Chain.class);

    static Kryo kryo(boolean lingonRecords) {
        return kryo(lingonRecords, true);
    }

    static Kryo kryo(boolean lingonRecords, boolean generate) {
        StableClassResolver resolver = new StableClassResolver();
        LingonKryo kryo = new LingonKryo(resolver, 128);
        Builtins.install(kryo, resolver, new ActorRefSerializers(null));
        kryo.register(new Registration(Colour.class, kryo.getDefaultSerializer(Colour.class), 300));
        int id = 301;
        for (Class<?> type : RECORDS) {
            kryo.register(new Registration(type, lingonRecords ? newRecordSerializer(kryo, type, generate)
                    : new com.esotericsoftware.kryo.serializers.RecordSerializer<>(type), id++));
        }
        return kryo;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static RecordSerializer<?> newRecordSerializer(Kryo kryo, Class<?> type, boolean generate) {
        try {
            return new RecordSerializer(kryo, type, generate, 0);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    static List<Object> samples() {
        return List.of(
                new Order(new UUID(3, 4), "item", 2, Instant.ofEpochSecond(7, 9), Duration.ofMinutes(3), Optional.empty(),
                        List.of("x"), Map.of("k", 2), EnumSet.noneOf(Colour.class), null),
                new Holder(new Square(1.25)), new Holder(null), Deep.nested(5), new Validated("v", 3),
                new Mixed(Long.MIN_VALUE, true, 'ж', Colour.BLUE, List.of(1, "two"), null, -0.5, Deep.nested(2)),
                new Counters(Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 0L, -1),
                new Counters(127, 128, -64, Long.MIN_VALUE, null),
                new Primitives(true, Byte.MIN_VALUE, '\uffff', Short.MIN_VALUE, -1, Long.MAX_VALUE, Float.NaN, -0.0),
                new Primitives(false, (byte) 7, 'a', (short) 300, 0, 0, Float.MIN_VALUE, Double.MAX_VALUE),
                new Secret("s", 42), new Secret(null, Integer.MIN_VALUE), Chain.of(3));
    }

    @ParameterizedTest(name = "generated code: {0}")
    @ValueSource(booleans = {true, false})
    void writesTheSameBytesAsKryosRecordSerializerAndReadsThem(boolean generate) {
        Kryo lingon = kryo(true, generate);
        Kryo reference = kryo(false);
        for (Object sample : samples()) {
            byte[] ours = write(lingon, sample);
            assertArrayEquals(write(reference, sample), ours, sample.toString());
            assertEquals(sample, read(lingon, ours));
            assertEquals(sample, read(reference, ours));
        }
        for (Object sample : samples()) {
            RecordSerializer<?> s = (RecordSerializer<?>) lingon.getRegistration(sample.getClass()).getSerializer();
            assertEquals(generate, s.generated(), s + " runs generated code");
        }
    }

    @ParameterizedTest(name = "generated code: {0}")
    @ValueSource(booleans = {true, false})
    void aByteArrayTravelsAsKryosByteArraySerializerWritesIt(boolean generate) {
        Kryo lingon = kryo(true, generate);
        Kryo reference = kryo(false);
        for (Blob sample : List.of(new Blob(1, new byte[] {1, 2, 3}), new Blob(-5, new byte[0]), new Blob(0, null),
                new Blob(Long.MIN_VALUE, new byte[1024]))) {
            byte[] ours = write(lingon, sample);
            assertArrayEquals(write(reference, sample), ours);
            Blob back = (Blob) read(lingon, ours);
            assertEquals(sample.seq(), back.seq());
            assertArrayEquals(sample.data(), back.data());
        }
        assertEquals(generate, ((RecordSerializer<?>) lingon.getRegistration(Blob.class).getSerializer()).generated());
    }

    @ParameterizedTest(name = "generated code: {0}")
    @ValueSource(booleans = {true, false})
    void aRecordThatDoesNotFitOverflowsTheOutputAsKryoWould(boolean generate) {
        Kryo lingon = kryo(true, generate);
        Blob big = new Blob(7, new byte[64]);
        write(lingon, big); // a first use, which generates the code when asked to
        Output small = new Output(16, 16);
        assertThrows(com.esotericsoftware.kryo.io.KryoBufferOverflowException.class, () -> lingon.writeClassAndObject(small, big));
        lingon.reset();
        // The same output still takes a record that fits.
        small.reset();
        lingon.writeClassAndObject(small, new Blob(1, new byte[2]));
        Blob back = (Blob) read(lingon, small.toBytes());
        assertArrayEquals(new byte[2], back.data());
        assertEquals(generate, ((RecordSerializer<?>) lingon.getRegistration(Blob.class).getSerializer()).generated());
    }

    @Test
    void aCorruptByteArrayLengthIsRefusedBeforeAnythingIsAllocated() {
        Kryo lingon = kryo(true, true);
        byte[] bytes = write(lingon, new Blob(1, new byte[] {1, 2, 3}));
        // Class id (2 bytes), then "data": length plus one, a positive varint; make it claim a gigabyte.
        byte[] corrupt = java.util.Arrays.copyOf(bytes, bytes.length + 4);
        System.arraycopy(new byte[] {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04}, 0, corrupt, 2, 5);
        RuntimeException e = assertThrows(RuntimeException.class, () -> read(lingon, corrupt));
        assertTrue(e.getMessage().contains("claims"), e.getMessage());
    }

    /**
     * The generated code fails where a leaf or the constructor fails; the reflective path then rereads
     * the same bytes, so every truncation reports what it reported before code was generated.
     */
    @Test
    void aTruncatedMessageFailsWithTheSameReportOnBothPaths() {
        Kryo generated = kryo(true, true);
        Kryo reflective = kryo(true, false);
        for (Object sample : samples()) {
            byte[] whole = write(generated, sample);
            for (int cut = 1; cut < whole.length; cut++) {
                byte[] part = java.util.Arrays.copyOf(whole, cut);
                RuntimeException g = assertThrows(RuntimeException.class, () -> read(generated, part), sample + " cut at " + cut);
                RuntimeException r = assertThrows(RuntimeException.class, () -> read(reflective, part));
                assertEquals(r.getClass(), g.getClass(), sample + " cut at " + cut);
                assertEquals(r.getMessage(), g.getMessage(), sample + " cut at " + cut);
                generated.reset();
                reflective.reset();
            }
        }
    }

    @Test
    void aRecordIsReadReflectivelyUntilItHasBeenUsedEnoughToGenerateItsCode() throws ReflectiveOperationException {
        Kryo lingon = kryo(true, false);
        RecordSerializer<Counters> s = new RecordSerializer<>(lingon, Counters.class, true, 3);
        lingon.register(Counters.class, s, 400);
        Counters sample = new Counters(1, 2, 3, 4, 5);
        byte[] bytes = write(lingon, sample); // use 1
        assertEquals(sample, read(lingon, bytes)); // 2
        assertEquals(sample, read(lingon, bytes)); // 3
        assertFalse(s.generated(), s.toString());
        assertEquals(sample, read(lingon, bytes)); // the fourth use generates it
        assertTrue(s.generated(), s.toString());
        assertEquals(2, s.reflectiveReads);
        assertArrayEquals(bytes, write(lingon, sample));
        assertEquals(sample, read(lingon, bytes));
        assertEquals(2, s.reflectiveReads);
    }

    @Test
    void codeIsGeneratedOnlyWhereTheRecordsModuleCanLinkAgainstKryoAndLingon() {
        assertTrue(GeneratedRecordCodecs.reachableFrom(Counters.class), "a record on the class path");
        // java.base is a named module that reads neither Kryo nor Lingon: its types stay reflective.
        assertFalse(GeneratedRecordCodecs.reachableFrom(String.class));
    }

    @Test
    void aLeafFailingDeepInNestedRecordsIsReadAgainAtItsOwnLevelOnly() {
        Kryo lingon = kryo(true, true);
        byte[] whole = write(lingon, Chain.of(40));
        // The last two bytes are the innermost "n" (0, one byte) and its "next" (null, one byte).
        byte[] part = java.util.Arrays.copyOf(whole, whole.length - 2);
        RecordSerializer<?> chain = (RecordSerializer<?>) lingon.getRegistration(Chain.class).getSerializer();
        int before = chain.reflectiveReads;
        RuntimeException e = assertThrows(RuntimeException.class, () -> read(lingon, part));
        assertEquals(1, chain.reflectiveReads - before, "rereads after " + e.getMessage());
        assertTrue(e.getMessage().contains("n (" + Chain.class.getName() + ")"), e.getMessage());
    }


    /** Writes longs as fixed eight bytes, unlike Kryo's default varint. */
    static final class FixedLongSerializer extends com.esotericsoftware.kryo.Serializer<Long> {
        @Override
        public void write(Kryo kryo, Output output, Long value) {
            output.writeLong(value);
        }

        @Override
        public Long read(Kryo kryo, Input input, Class<? extends Long> type) {
            return input.readLong();
        }
    }

    @Test
    void aLongOrIntUnderAnotherSerializerIsWrittenByThatSerializer() {
        Kryo lingon = kryo(true);
        Kryo reference = kryo(false);
        for (Kryo k : List.of(lingon, reference)) {
            k.register(long.class, new FixedLongSerializer());
        }
        // Records registered before the long serializer changed: the component serializer is looked up on first use.
        Counters sample = new Counters(1, 1, -1, 0, 5);
        byte[] ours = write(lingon, sample);
        assertArrayEquals(write(reference, sample), ours);
        assertEquals(sample, read(lingon, ours));
        assertTrue(ours.length >= 2 * 8, "both longs take eight bytes each: " + ours.length + " bytes in all");
    }

    @Test
    void readingGoesThroughTheCanonicalConstructor() {
        Kryo lingon = kryo(true);
        byte[] bytes = write(lingon, new Validated("v", 1));
        // Components go in name order: "count" first, a zig-zag varint after the 2-byte class id (2 is 1, 1 is -1).
        assertEquals(2, bytes[2]);
        bytes[2] = 1;
        RuntimeException e = assertThrows(RuntimeException.class, () -> read(lingon, bytes));
        assertTrue(e.getMessage().contains("count must not be negative"), e.getMessage());
    }

    static byte[] write(Kryo kryo, Object value) {
        Output output = new Output(256, -1);
        kryo.writeClassAndObject(output, value);
        return output.toBytes();
    }

    static Object read(Kryo kryo, byte[] bytes) {
        return kryo.readClassAndObject(new Input(bytes));
    }
}
