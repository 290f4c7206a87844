package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Serializers for JDK collections, written through their public API only (the JDK's internal
 * classes are closed to reflection). Every count read is checked against the bytes left before
 * anything is allocated ({@link Bounds}).
 *
 * <p>Unmodifiable kinds travel as "an unmodifiable list/set/map with these elements in this order"
 * and are read back as such: {@code List.of}-family lists as {@code List.of} (or, when they hold
 * {@code null}, as {@code Stream.toList()} may, an unmodifiable list over an array), {@code Set.of} and
 * {@code Map.of} families as {@code Set.of}/{@code Map.ofEntries}, and {@code Collections.unmodifiable*},
 * {@code empty*} and {@code singleton*} views as unmodifiable wrappers over a copy that keeps the
 * writer's iteration order (sorted ones keep their comparator, which must itself be registered; the
 * natural, reverse and case-insensitive orders are built in). The exact JDK class read back may differ
 * from the one written; equality, order and unmodifiability are kept.
 *
 * <p>Threads: serializer instances belong to one Kryo instance and hence to one thread at a time.
 */
final class CollectionSerializers {
    private CollectionSerializers() {
    }

    static boolean isListOf(Class<?> type) {
        return List.class.isAssignableFrom(type) && type.getName().startsWith("java.util.ImmutableCollections$");
    }

    static boolean isSetOf(Class<?> type) {
        return Set.class.isAssignableFrom(type) && type.getName().startsWith("java.util.ImmutableCollections$");
    }

    static boolean isMapOf(Class<?> type) {
        return Map.class.isAssignableFrom(type) && type.getName().startsWith("java.util.ImmutableCollections$");
    }

    /** {@code Collections.unmodifiable*}, {@code Collections.empty*} and {@code Collections.singleton*} views. */
    static boolean isCollectionsView(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.util.Collections$Unmodifiable") || name.startsWith("java.util.Collections$Empty")
                || name.startsWith("java.util.Collections$Singleton");
    }

    static boolean isUnmodifiableList(Class<?> type) {
        return List.class.isAssignableFrom(type) && isCollectionsView(type);
    }

    static boolean isUnmodifiableSet(Class<?> type) {
        return Set.class.isAssignableFrom(type) && !SortedSet.class.isAssignableFrom(type) && isCollectionsView(type);
    }

    static boolean isUnmodifiableSortedSet(Class<?> type) {
        return SortedSet.class.isAssignableFrom(type) && isCollectionsView(type);
    }

    static boolean isUnmodifiableMap(Class<?> type) {
        return Map.class.isAssignableFrom(type) && !SortedMap.class.isAssignableFrom(type) && isCollectionsView(type);
    }

    static boolean isUnmodifiableSortedMap(Class<?> type) {
        return SortedMap.class.isAssignableFrom(type) && isCollectionsView(type);
    }

    private static void writeElements(Kryo kryo, Output output, Collection<?> elements) {
        output.writeVarInt(elements.size(), true);
        for (Object element : elements) {
            kryo.writeClassAndObject(output, element);
        }
    }

    private static Object[] readElements(Kryo kryo, Input input) {
        int size = input.readVarInt(true);
        Bounds.checkCount(size, input, "collection");
        Object[] elements = new Object[size];
        for (int i = 0; i < size; i++) {
            elements[i] = kryo.readClassAndObject(input);
        }
        return elements;
    }

    private static void writeEntries(Kryo kryo, Output output, Map<?, ?> map) {
        output.writeVarInt(map.size(), true);
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            kryo.writeClassAndObject(output, entry.getKey());
            kryo.writeClassAndObject(output, entry.getValue());
        }
    }

    /** Reads keys and values alternately into one array. */
    private static Object[] readEntries(Kryo kryo, Input input) {
        int size = input.readVarInt(true);
        Bounds.checkCount(size, input, "map");
        Object[] keysAndValues = new Object[2 * size];
        for (int i = 0; i < keysAndValues.length; i++) {
            keysAndValues[i] = kryo.readClassAndObject(input);
        }
        return keysAndValues;
    }

    private static boolean containsNull(Object[] elements) {
        for (Object element : elements) {
            if (element == null) {
                return true;
            }
        }
        return false;
    }

    private abstract static class Unmodifiable<T> extends Serializer<T> {
        Unmodifiable() {
            super(false, true);
        }
    }

    /** The {@code List.of} family (and {@code Stream.toList()}, whose lists may hold {@code null}). */
    static final class ListOf extends Unmodifiable<List<?>> {
        @Override
        public void write(Kryo kryo, Output output, List<?> list) {
            writeElements(kryo, output, list);
        }

        @Override
        public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
            Object[] elements = readElements(kryo, input);
            return containsNull(elements) ? Collections.unmodifiableList(Arrays.asList(elements)) : List.of(elements);
        }
    }

    /** The {@code Set.of} family. */
    static final class SetOf extends Unmodifiable<Set<?>> {
        @Override
        public void write(Kryo kryo, Output output, Set<?> set) {
            writeElements(kryo, output, set);
        }

        @Override
        public Set<?> read(Kryo kryo, Input input, Class<? extends Set<?>> type) {
            return Set.of(readElements(kryo, input));
        }
    }

    /** The {@code Map.of} family. */
    static final class MapOf extends Unmodifiable<Map<?, ?>> {
        @Override
        public void write(Kryo kryo, Output output, Map<?, ?> map) {
            writeEntries(kryo, output, map);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Map<?, ?> read(Kryo kryo, Input input, Class<? extends Map<?, ?>> type) {
            Object[] keysAndValues = readEntries(kryo, input);
            Map.Entry<Object, Object>[] entries = new Map.Entry[keysAndValues.length / 2];
            for (int i = 0; i < entries.length; i++) {
                entries[i] = Map.entry(keysAndValues[2 * i], keysAndValues[2 * i + 1]);
            }
            return Map.ofEntries(entries);
        }
    }

    /** {@code Collections.unmodifiableList}, {@code emptyList}, {@code singletonList}. */
    static final class UnmodifiableList extends Unmodifiable<List<?>> {
        @Override
        public void write(Kryo kryo, Output output, List<?> list) {
            writeElements(kryo, output, list);
        }

        @Override
        public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
            return Collections.unmodifiableList(Arrays.asList(readElements(kryo, input)));
        }
    }

    /** {@code Collections.unmodifiableSet}, {@code emptySet}, {@code singleton}: order kept. */
    static final class UnmodifiableSet extends Unmodifiable<Set<?>> {
        @Override
        public void write(Kryo kryo, Output output, Set<?> set) {
            writeElements(kryo, output, set);
        }

        @Override
        public Set<?> read(Kryo kryo, Input input, Class<? extends Set<?>> type) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(readElements(kryo, input))));
        }
    }

    /** {@code Collections.unmodifiableSortedSet/NavigableSet}, {@code emptySortedSet/NavigableSet}. */
    static final class UnmodifiableSortedSet extends Unmodifiable<SortedSet<?>> {
        @Override
        public void write(Kryo kryo, Output output, SortedSet<?> set) {
            kryo.writeClassAndObject(output, set.comparator());
            writeElements(kryo, output, set);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public SortedSet<?> read(Kryo kryo, Input input, Class<? extends SortedSet<?>> type) {
            NavigableSet set = new TreeSet<>(comparator(kryo, input));
            set.addAll(Arrays.asList(readElements(kryo, input)));
            return Collections.unmodifiableNavigableSet(set);
        }
    }

    /** {@code Collections.unmodifiableMap}, {@code emptyMap}, {@code singletonMap}: order kept. */
    static final class UnmodifiableMap extends Unmodifiable<Map<?, ?>> {
        @Override
        public void write(Kryo kryo, Output output, Map<?, ?> map) {
            writeEntries(kryo, output, map);
        }

        @Override
        public Map<?, ?> read(Kryo kryo, Input input, Class<? extends Map<?, ?>> type) {
            Object[] keysAndValues = readEntries(kryo, input);
            Map<Object, Object> map = LinkedHashMap.newLinkedHashMap(keysAndValues.length / 2);
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return Collections.unmodifiableMap(map);
        }
    }

    /** {@code Collections.unmodifiableSortedMap/NavigableMap}, {@code emptySortedMap/NavigableMap}. */
    static final class UnmodifiableSortedMap extends Unmodifiable<SortedMap<?, ?>> {
        @Override
        public void write(Kryo kryo, Output output, SortedMap<?, ?> map) {
            kryo.writeClassAndObject(output, map.comparator());
            writeEntries(kryo, output, map);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public SortedMap<?, ?> read(Kryo kryo, Input input, Class<? extends SortedMap<?, ?>> type) {
            NavigableMap map = new TreeMap<>(comparator(kryo, input));
            Object[] keysAndValues = readEntries(kryo, input);
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return Collections.unmodifiableNavigableMap(map);
        }
    }

    /** {@code Arrays.asList}: fixed size, elements settable; read back as {@code Arrays.asList}. */
    static final class ArraysAsList extends Serializer<List<?>> {
        @Override
        public void write(Kryo kryo, Output output, List<?> list) {
            writeElements(kryo, output, list);
        }

        @Override
        public List<?> read(Kryo kryo, Input input, Class<? extends List<?>> type) {
            return Arrays.asList(readElements(kryo, input));
        }
    }

    @SuppressWarnings("rawtypes")
    private static Comparator comparator(Kryo kryo, Input input) {
        Object comparator = kryo.readClassAndObject(input);
        if (comparator != null && !(comparator instanceof Comparator)) {
            throw new KryoException("corrupt input: a sorted collection's comparator is a " + comparator.getClass().getName());
        }
        return (Comparator) comparator;
    }

    /** Kryo's collection serializer for a mutable collection built by {@code factory(size)} after a bounds check. */
    static final class Mutable<C extends Collection<?>> extends CollectionSerializer<C> {
        private final IntFunction<C> factory;

        Mutable(IntFunction<C> factory) {
            this.factory = factory;
        }

        @Override
        protected C create(Kryo kryo, Input input, Class<? extends C> type, int size) {
            Bounds.checkCount(size, input, type.getName());
            return factory.apply(size);
        }
    }

    /** Kryo's map serializer for a mutable map built by {@code factory(size)} after a bounds check. */
    static final class MutableMap<M extends Map<?, ?>> extends MapSerializer<M> {
        private final IntFunction<M> factory;

        MutableMap(IntFunction<M> factory) {
            this.factory = factory;
        }

        @Override
        protected M create(Kryo kryo, Input input, Class<? extends M> type, int size) {
            Bounds.checkCount(size, input, type.getName());
            return factory.apply(size);
        }
    }
}
