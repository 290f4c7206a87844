package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;

import dev.lingon.xen.serialization.GeneratedRecordCodecs.Codec;
import dev.lingon.xen.serialization.GeneratedRecordCodecs.Kind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * Records, in the byte format of Kryo's own {@code RecordSerializer} (components in name order; a
 * primitive by its serializer, a component of a final type as "object or null", any other with its
 * class id first): the message hot path of the mailboxes. Values are always built through the canonical
 * constructor, so a record's invariants hold for what is read.
 *
 * <p>Two paths. After {@link #USES_BEFORE_CODEC} uses it generates a class for the record
 * ({@link GeneratedRecordCodecs}) that reads and writes leaves (primitives and {@code byte[]} under Kryo's default serializers) inline and
 * calls the constructor directly. Where that class cannot be defined (a record whose package this
 * module cannot reach), it keeps the reflective path: method handles resolved once, values spread from
 * an {@code Object[]}. The reflective path also reports failures: when the generated code fails, the
 * input or output is rewound and the reflective path runs over the same bytes, so a truncated frame or
 * a constructor that refuses its values is reported exactly as before (component and record named).
 *
 * <p>Threads: belongs to one Kryo instance and hence to one thread at a time (the serializers of
 * component types are looked up on first use and kept).
 */
final class RecordSerializer<T> extends Serializer<T> implements GeneratedRecordCodecs.Components {
    private static final Logger log = LoggerFactory.getLogger(RecordSerializer.class);
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType CONSTRUCTOR = MethodType.methodType(Object.class, Object[].class);

    private final Class<T> type;
    private final String[] names;
    private final Class<?>[] types;
    private final MethodHandle[] getters;
    private final int[] constructorIndex;
    private final MethodHandle constructor;
    private final Serializer<?>[] fixed;
    private final boolean[] isFinal;

    /**
     * Uses (reads and writes) on the reflective path before the codec is generated. The first class a
     * JVM generates costs about 25 ms (the class-file API warming up), each later record about 1-2 ms: a
     * domain's first messages, which its boot time is measured to, should not pay that, and a record
     * used a few times only never needs it.
     */
    static final int USES_BEFORE_CODEC = 100;

    /** Whether to generate a codec at all (false only in tests of the reflective path). */
    private final boolean generate;
    /** Uses left on the reflective path before the codec is generated. */
    private int usesBeforeCodec;
    /** The generated codec, or null: not tried yet ({@link #codecTried}) or not available. */
    private Codec codec;
    private boolean codecTried;
    /**
     * Set when a general component failed (it has said which): the codec's caller rethrows instead of
     * rereading, so a failure deep in nested records is read again at its own level only.
     */
    private boolean componentFailed;
    /** Reads that took the reflective path, for tests. */
    int reflectiveReads;

    /**
     * @throws IllegalAccessException if the record's members cannot be reached (a record in a named module
     *                                that does not open its package), in which case Kryo's reflective one is used
     */
    RecordSerializer(Kryo kryo, Class<T> type) throws IllegalAccessException, NoSuchMethodException {
        this(kryo, type, true, USES_BEFORE_CODEC);
    }

    RecordSerializer(Kryo kryo, Class<T> type, boolean generate, int usesBeforeCodec) throws IllegalAccessException, NoSuchMethodException {
        super(false, true);
        this.type = type;
        this.generate = generate;
        this.usesBeforeCodec = usesBeforeCodec;
        RecordComponent[] declared = type.getRecordComponents();
        RecordComponent[] byName = declared.clone();
        Arrays.sort(byName, Comparator.comparing(RecordComponent::getName));
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        int n = byName.length;
        names = new String[n];
        types = new Class<?>[n];
        getters = new MethodHandle[n];
        constructorIndex = new int[n];
        fixed = new Serializer<?>[n];
        isFinal = new boolean[n];
        for (int i = 0; i < n; i++) {
            RecordComponent component = byName[i];
            names[i] = component.getName();
            types[i] = component.getType();
            getters[i] = lookup.unreflect(component.getAccessor()).asType(GETTER);
            constructorIndex[i] = Arrays.asList(declared).indexOf(component);
            isFinal[i] = !types[i].isPrimitive() && kryo.isFinal(types[i]);
        }
        Class<?>[] parameters = Arrays.stream(declared).map(RecordComponent::getType).toArray(Class<?>[]::new);
        constructor = lookup.findConstructor(type, MethodType.methodType(void.class, parameters))
                .asSpreader(Object[].class, n).asType(CONSTRUCTOR);
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        Codec c = codec != null || codecTried ? codec : codec(kryo);
        if (c == null) {
            writeReflectively(kryo, output, record);
            return;
        }
        int start = output.position();
        componentFailed = false;
        Throwable failure;
        try {
            c.write(kryo, output, record);
            return;
        } catch (Throwable t) {
            KryoException now = notRewound(t, output.getOutputStream() != null); // bytes may have left
            if (now != null) {
                throw now;
            }
            failure = t;
        }
        // A leaf failed (the output is full, typically): the reflective path fails again, and says where.
        output.setPosition(start);
        writeReflectively(kryo, output, record);
        log.warn("the generated codec for {} failed where the reflective path wrote the record; kept what it wrote", type.getName(), failure);
    }

    /**
     * What to throw at once for a failure of the generated code, or null to rewind and let the
     * reflective path go over the same bytes. A general component that failed has said where, and
     * rereading it would reread every level above it too; a streamed input or output cannot be rewound.
     */
    private KryoException notRewound(Throwable failure, boolean streamed) {
        boolean said = componentFailed;
        componentFailed = false;
        if (said && failure instanceof KryoException k) {
            return k;
        }
        return said || streamed ? traced(failure) : null;
    }

    private void writeReflectively(Kryo kryo, Output output, T record) {
        for (int i = 0; i < getters.length; i++) {
            Object value;
            try {
                value = (Object) getters[i].invokeExact((Object) record);
            } catch (Throwable t) {
                throw traced(t, i);
            }
            writeComponent(i, kryo, output, value);
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> readType) {
        Codec c = codec != null || codecTried ? codec : codec(kryo);
        if (c == null) {
            return readReflectively(kryo, input);
        }
        int start = input.position();
        componentFailed = false;
        Throwable failure;
        try {
            return type.cast(c.read(kryo, input));
        } catch (Throwable t) {
            KryoException now = notRewound(t, input.getInputStream() != null); // the buffer may have been refilled
            if (now != null) {
                throw now;
            }
            failure = t;
        }
        // A leaf or the constructor failed: the reflective path fails again over the same bytes, and
        // names the component, or the constructor's complaint.
        input.setPosition(start);
        T value = readReflectively(kryo, input);
        log.warn("the generated codec for {} failed where the reflective path read a value; using the value", type.getName(), failure);
        return value;
    }

    private T readReflectively(Kryo kryo, Input input) {
        reflectiveReads++;
        Object[] values = new Object[getters.length];
        for (int i = 0; i < getters.length; i++) {
            values[constructorIndex[i]] = readComponent(i, kryo, input);
        }
        try {
            return type.cast((Object) constructor.invokeExact(values));
        } catch (Throwable t) {
            KryoException e = new KryoException("cannot construct " + type.getName() + ": " + t, t);
            e.addTrace(type.getName());
            throw e;
        }
    }

    /** Counts a use on the reflective path; generates the codec once enough were made (every component's serializer is known by then). */
    private Codec codec(Kryo kryo) {
        if (usesBeforeCodec > 0) {
            usesBeforeCodec--;
            return null;
        }
        codecTried = true;
        if (!generate || !GeneratedRecordCodecs.reachableFrom(type)) {
            return null;
        }
        try {
            Kind[] kinds = new Kind[types.length];
            for (int i = 0; i < types.length; i++) {
                kinds[i] = kind(kryo, i);
            }
            codec = GeneratedRecordCodecs.create(type, names, types, constructorIndex, kinds, this);
        } catch (Throwable t) {
            log.debug("no generated codec for {}; it is read and written reflectively", type.getName(), t);
            codec = null;
        }
        return codec;
    }

    /** How component {@code i} travels in the generated codec: inline when Kryo's default serializer for it is a leaf. */
    private Kind kind(Kryo kryo, int i) {
        Class<?> t = types[i];
        if (t == byte[].class) {
            Serializer<?> s = serializer(kryo, i);
            if (s instanceof GuardedArraySerializer<?> g) {
                s = g.guarded();
            }
            return s.getClass() == DefaultArraySerializers.ByteArraySerializer.class && !kryo.getReferences() ? Kind.BYTES : Kind.GENERAL;
        }
        if (!t.isPrimitive()) {
            return Kind.GENERAL;
        }
        Leaf leaf = LEAVES.get(t);
        return leaf != null && serializer(kryo, i).getClass() == leaf.serializer() ? leaf.kind() : Kind.GENERAL;
    }

    /** A primitive's default Kryo serializer, whose calls the generated codec makes inline, and its kind there. */
    private record Leaf(Class<?> serializer, Kind kind) {
    }

    private static final Map<Class<?>, Leaf> LEAVES = Map.of(
            long.class, new Leaf(DefaultSerializers.LongSerializer.class, Kind.LONG),
            int.class, new Leaf(DefaultSerializers.IntSerializer.class, Kind.INT),
            boolean.class, new Leaf(DefaultSerializers.BooleanSerializer.class, Kind.BOOLEAN),
            byte.class, new Leaf(DefaultSerializers.ByteSerializer.class, Kind.BYTE),
            char.class, new Leaf(DefaultSerializers.CharSerializer.class, Kind.CHAR),
            short.class, new Leaf(DefaultSerializers.ShortSerializer.class, Kind.SHORT),
            float.class, new Leaf(DefaultSerializers.FloatSerializer.class, Kind.FLOAT),
            double.class, new Leaf(DefaultSerializers.DoubleSerializer.class, Kind.DOUBLE));

    @Override
    public String toString() {
        return "RecordSerializer(" + type.getName() + (codec != null ? ", generated" : codecTried ? ", reflective" : "") + ")";
    }

    /** Whether this serializer runs generated code (after its first use), for tests. */
    boolean generated() {
        return codec != null;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object readComponent(int i, Kryo kryo, Input input) {
        try {
            if (types[i].isPrimitive()) {
                return serializer(kryo, i).read(kryo, input, (Class) types[i]);
            } else if (isFinal[i]) {
                return kryo.readObjectOrNull(input, types[i], serializer(kryo, i));
            }
            return kryo.readClassAndObject(input);
        } catch (Throwable t) {
            componentFailed = true;
            throw traced(t, i);
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void writeComponent(int i, Kryo kryo, Output output, Object value) {
        try {
            if (types[i].isPrimitive()) {
                ((Serializer) serializer(kryo, i)).write(kryo, output, value);
            } else if (isFinal[i]) {
                kryo.writeObjectOrNull(output, value, serializer(kryo, i));
            } else {
                kryo.writeClassAndObject(output, value);
            }
        } catch (Throwable t) {
            componentFailed = true;
            throw traced(t, i);
        }
    }

    private KryoException traced(Throwable failure) {
        KryoException e = failure instanceof KryoException k ? k : new KryoException(failure);
        e.addTrace(type.getName());
        return e;
    }

    @SuppressWarnings("rawtypes")
    private Serializer serializer(Kryo kryo, int i) {
        Serializer<?> serializer = fixed[i];
        if (serializer == null) {
            serializer = kryo.getSerializer(types[i]);
            fixed[i] = serializer;
        }
        return serializer;
    }

    private KryoException traced(Throwable failure, int i) {
        KryoException e = failure instanceof KryoException k ? k : new KryoException(failure);
        e.addTrace(names[i] + " (" + type.getName() + ")");
        return e;
    }
}
