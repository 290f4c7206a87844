package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;

import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
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
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The classes every {@link KryoSerializer} carries, each under a fixed id in 0…{@value KryoRegistry#MAX_BUILTIN_ID}.
 * An id here is part of the wire format: never renumber or reuse one, only add.
 *
 * <p>0…8 are registered by Kryo's own constructor, in its fixed order: int, String, float, boolean,
 * byte, char, short, long, double (each boxed type shares its primitive's id). A <em>family</em> entry
 * covers every class its predicate accepts (see {@link StableClassResolver}); its representative is
 * one member class.
 *
 * <p>Threads: an immutable table, shared; each {@link Factory} builds serializers for one Kryo instance.
 */
final class Builtins {
    private Builtins() {
    }

    /** Builds the serializer of an entry for one Kryo instance. */
    @FunctionalInterface
    interface Factory {
        Serializer<?> create(Kryo kryo, ActorRefSerializers refs);
    }

    /** One built-in; {@code family} is {@code null} for a single class. */
    record Entry(int id, Class<?> type, Predicate<Class<?>> family, Factory serializer) {
        boolean covers(Class<?> c) {
            return c == type || (family != null && family.test(c));
        }
    }

    private static final List<Class<?>> KRYO_OWN = List.of(int.class, String.class, float.class, boolean.class,
            byte.class, char.class, short.class, long.class, double.class);
    private static final List<Class<?>> KRYO_OWN_BOXED = List.of(Integer.class, String.class, Float.class, Boolean.class,
            Byte.class, Character.class, Short.class, Long.class, Double.class);

    static final List<Entry> TABLE = List.of(
            array(10, byte[].class),
            array(11, char[].class),
            array(12, short[].class),
            array(13, int[].class),
            array(14, long[].class),
            array(15, float[].class),
            array(16, double[].class),
            array(17, boolean[].class),
            array(18, String[].class),

            single(20, BigInteger.class, (k, r) -> new DefaultSerializers.BigIntegerSerializer()),
            single(21, BigDecimal.class, (k, r) -> new DefaultSerializers.BigDecimalSerializer()),
            single(22, UUID.class, (k, r) -> new DefaultSerializers.UUIDSerializer()),
            single(23, URI.class, (k, r) -> new DefaultSerializers.URISerializer()),

            kryoDefault(24, Instant.class),
            kryoDefault(25, Duration.class),
            kryoDefault(26, LocalDate.class),
            kryoDefault(27, LocalTime.class),
            kryoDefault(28, LocalDateTime.class),
            kryoDefault(29, OffsetDateTime.class),
            kryoDefault(30, OffsetTime.class),
            kryoDefault(31, ZonedDateTime.class),
            kryoDefault(32, ZoneOffset.class),
            new Entry(33, ZoneId.of("Europe/Stockholm").getClass(), ZoneId.class::isAssignableFrom,
                    (k, r) -> k.getDefaultSerializer(ZoneId.class)),
            kryoDefault(34, Period.class),
            kryoDefault(35, Year.class),
            kryoDefault(36, YearMonth.class),
            kryoDefault(37, MonthDay.class),

            kryoDefault(40, Optional.class),
            kryoDefault(41, OptionalInt.class),
            kryoDefault(42, OptionalLong.class),
            kryoDefault(43, OptionalDouble.class),

            single(50, ArrayList.class, (k, r) -> new CollectionSerializers.Mutable<>(ArrayList::new)),
            single(51, LinkedList.class, (k, r) -> new CollectionSerializers.Mutable<>(n -> new LinkedList<>())),
            single(52, ArrayDeque.class, (k, r) -> new CollectionSerializers.Mutable<>(ArrayDeque::new)),
            single(53, HashSet.class, (k, r) -> new CollectionSerializers.Mutable<>(HashSet::newHashSet)),
            single(54, LinkedHashSet.class, (k, r) -> new CollectionSerializers.Mutable<>(LinkedHashSet::newLinkedHashSet)),
            single(55, TreeSet.class, (k, r) -> new DefaultSerializers.TreeSetSerializer()),
            single(56, HashMap.class, (k, r) -> new CollectionSerializers.MutableMap<>(HashMap::newHashMap)),
            single(57, LinkedHashMap.class, (k, r) -> new CollectionSerializers.MutableMap<>(LinkedHashMap::newLinkedHashMap)),
            single(58, TreeMap.class, (k, r) -> new DefaultSerializers.TreeMapSerializer()),
            single(59, EnumSet.class, (k, r) -> new DefaultSerializers.EnumSetSerializer()),
            single(60, ConcurrentHashMap.class, (k, r) -> new CollectionSerializers.MutableMap<>(ConcurrentHashMap::new)),
            single(61, Arrays.asList().getClass(), (k, r) -> new CollectionSerializers.ArraysAsList()),

            family(70, List.of().getClass(), CollectionSerializers::isListOf, (k, r) -> new CollectionSerializers.ListOf()),
            family(71, Set.of().getClass(), CollectionSerializers::isSetOf, (k, r) -> new CollectionSerializers.SetOf()),
            family(72, Map.of().getClass(), CollectionSerializers::isMapOf, (k, r) -> new CollectionSerializers.MapOf()),
            family(73, Collections.unmodifiableList(new ArrayList<>()).getClass(), CollectionSerializers::isUnmodifiableList,
                    (k, r) -> new CollectionSerializers.UnmodifiableList()),
            family(74, Collections.unmodifiableSet(new HashSet<>()).getClass(), CollectionSerializers::isUnmodifiableSet,
                    (k, r) -> new CollectionSerializers.UnmodifiableSet()),
            family(75, Collections.unmodifiableNavigableSet(new TreeSet<>()).getClass(),
                    CollectionSerializers::isUnmodifiableSortedSet, (k, r) -> new CollectionSerializers.UnmodifiableSortedSet()),
            family(76, Collections.unmodifiableMap(new HashMap<>()).getClass(), CollectionSerializers::isUnmodifiableMap,
                    (k, r) -> new CollectionSerializers.UnmodifiableMap()),
            family(77, Collections.unmodifiableNavigableMap(new TreeMap<>()).getClass(),
                    CollectionSerializers::isUnmodifiableSortedMap, (k, r) -> new CollectionSerializers.UnmodifiableSortedMap()),

            singleton(80, Comparator.naturalOrder()),
            singleton(81, Collections.reverseOrder()),
            singleton(82, String.CASE_INSENSITIVE_ORDER),

            family(90, org.apache.pekko.actor.typed.ActorRef.class, org.apache.pekko.actor.typed.ActorRef.class::isAssignableFrom,
                    (k, r) -> r.typed()),
            family(91, org.apache.pekko.actor.ActorRef.class, org.apache.pekko.actor.ActorRef.class::isAssignableFrom,
                    (k, r) -> r.classic()),
            singleton(92, Done.getInstance()),
            singleton(93, NotUsed.getInstance()));

    /** Registers every built-in with {@code kryo}, whose constructor has registered ids 0…8. */
    static void install(Kryo kryo, StableClassResolver resolver, ActorRefSerializers refs) {
        for (Entry entry : TABLE) {
            Registration registration = new Registration(entry.type(), entry.serializer().create(kryo, refs), entry.id());
            if (entry.family() == null) {
                kryo.register(registration);
            } else {
                resolver.registerFamily(registration, entry.family());
            }
        }
    }

    /** The built-in id that carries {@code type}, or -1. */
    static int idOf(Class<?> type) {
        int own = KRYO_OWN.indexOf(type);
        if (own < 0) {
            own = KRYO_OWN_BOXED.indexOf(type);
        }
        if (own >= 0) {
            return own;
        }
        for (Entry entry : TABLE) {
            if (entry.covers(type)) {
                return entry.id();
            }
        }
        if (EnumSet.class.isAssignableFrom(type)) {
            return 59;
        }
        return -1;
    }

    private static Entry single(int id, Class<?> type, Factory serializer) {
        return new Entry(id, type, null, serializer);
    }

    private static Entry family(int id, Class<?> representative, Predicate<Class<?>> members, Factory serializer) {
        return new Entry(id, representative, members, serializer);
    }

    private static Entry kryoDefault(int id, Class<?> type) {
        return new Entry(id, type, null, (k, r) -> k.getDefaultSerializer(type));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Entry array(int id, Class<?> type) {
        return new Entry(id, type, null, (k, r) -> new GuardedArraySerializer(k.getDefaultSerializer(type)));
    }

    private static Entry singleton(int id, Object instance) {
        return new Entry(id, instance.getClass(), null, (k, r) -> new SingletonSerializer<>(instance));
    }
}
