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

    static final List<Class<?>> RECORDS = List.of(Order.class, Holder.class, Square.class, Deep.class, Validated.class, Mixed.class,
            Counters.class);

    static Kryo kryo(boolean lingonRecords) {
        StableClassResolver resolver = new StableClassResolver();
        LingonKryo kryo = new LingonKryo(resolver, 128);
        Builtins.install(kryo, resolver, new ActorRefSerializers(null));
        kryo.register(new Registration(Colour.class, kryo.getDefaultSerializer(Colour.class), 300));
        int id = 301;
        for (Class<?> type : RECORDS) {
            kryo.register(new Registration(type, lingonRecords ? newRecordSerializer(kryo, type)
                    : new com.esotericsoftware.kryo.serializers.RecordSerializer<>(type), id++));
        }
        return kryo;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static RecordSerializer<?> newRecordSerializer(Kryo kryo, Class<?> type) {
        try {
            return new RecordSerializer(kryo, type);
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
                new Counters(127, 128, -64, Long.MIN_VALUE, null));
    }

    @Test
    void writesTheSameBytesAsKryosRecordSerializerAndReadsThem() {
        Kryo lingon = kryo(true);
        Kryo reference = kryo(false);
        for (Object sample : samples()) {
            byte[] ours = write(lingon, sample);
            assertArrayEquals(write(reference, sample), ours, sample.toString());
            assertEquals(sample, read(lingon, ours));
            assertEquals(sample, read(reference, ours));
        }
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
