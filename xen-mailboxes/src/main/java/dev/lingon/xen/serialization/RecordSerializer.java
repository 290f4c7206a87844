package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Records, in the byte format of Kryo's own {@code RecordSerializer} (components in name order; a
 * primitive by its serializer, a component of a final type as "object or null", any other with its
 * class id first), but through method handles resolved once instead of reflective calls and per-call
 * lookups: the message hot path of the mailboxes. Values are always built through the canonical
 * constructor, so a record's invariants hold for what is read.
 *
 * <p>Threads: belongs to one Kryo instance and hence to one thread at a time (the serializers of
 * component types are looked up on first use and kept).
 */
final class RecordSerializer<T> extends Serializer<T> {
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
    /** Per component, a getter typed {@code (Object)long} or {@code (Object)int}, or null: see {@link #write}. */
    private final MethodHandle[] primitiveGetters;
    /** Per component, once its serializer is known: {@link #LONG} or {@link #INT} when that is Kryo's default one, else {@link #BOXED}. */
    private final byte[] primitiveKind;

    private static final byte UNKNOWN = 0;
    private static final byte BOXED = 1;
    private static final byte LONG = 2;
    private static final byte INT = 3;

    /**
     * @throws IllegalAccessException if the record's members cannot be reached (a record in a named module
     *                                that does not open its package), in which case Kryo's reflective one is used
     */
    RecordSerializer(Kryo kryo, Class<T> type) throws IllegalAccessException, NoSuchMethodException {
        super(false, true);
        this.type = type;
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
        primitiveGetters = new MethodHandle[n];
        primitiveKind = new byte[n];
        for (int i = 0; i < n; i++) {
            RecordComponent component = byName[i];
            names[i] = component.getName();
            types[i] = component.getType();
            getters[i] = lookup.unreflect(component.getAccessor()).asType(GETTER);
            constructorIndex[i] = Arrays.asList(declared).indexOf(component);
            isFinal[i] = !types[i].isPrimitive() && kryo.isFinal(types[i]);
            if (types[i] == long.class || types[i] == int.class) {
                primitiveGetters[i] = lookup.unreflect(component.getAccessor())
                        .asType(MethodType.methodType(types[i], Object.class));
            }
        }
        Class<?>[] parameters = Arrays.stream(declared).map(RecordComponent::getType).toArray(Class<?>[]::new);
        constructor = lookup.findConstructor(type, MethodType.methodType(void.class, parameters))
                .asSpreader(Object[].class, n).asType(CONSTRUCTOR);
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void write(Kryo kryo, Output output, T record) {
        for (int i = 0; i < getters.length; i++) {
            try {
                // A long or int under Kryo's own serializer is written as that serializer writes it,
                // without boxing it first (a Long per message on the mailbox hot path).
                byte kind = primitiveKind[i] == UNKNOWN ? primitiveKind(kryo, i) : primitiveKind[i];
                if (kind == LONG) {
                    output.writeVarLong((long) primitiveGetters[i].invokeExact((Object) record), false);
                    continue;
                }
                if (kind == INT) {
                    output.writeInt((int) primitiveGetters[i].invokeExact((Object) record), false);
                    continue;
                }
                Object value = (Object) getters[i].invokeExact((Object) record);
                if (types[i].isPrimitive()) {
                    ((Serializer) serializer(kryo, i)).write(kryo, output, value);
                } else if (isFinal[i]) {
                    kryo.writeObjectOrNull(output, value, serializer(kryo, i));
                } else {
                    kryo.writeClassAndObject(output, value);
                }
            } catch (Throwable t) {
                throw traced(t, i);
            }
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T read(Kryo kryo, Input input, Class<? extends T> readType) {
        Object[] values = new Object[getters.length];
        for (int i = 0; i < getters.length; i++) {
            try {
                Object value;
                if (types[i].isPrimitive()) {
                    value = serializer(kryo, i).read(kryo, input, (Class) types[i]);
                } else if (isFinal[i]) {
                    value = kryo.readObjectOrNull(input, types[i], serializer(kryo, i));
                } else {
                    value = kryo.readClassAndObject(input);
                }
                values[constructorIndex[i]] = value;
            } catch (Throwable t) {
                throw traced(t, i);
            }
        }
        try {
            return type.cast((Object) constructor.invokeExact(values));
        } catch (Throwable t) {
            KryoException e = new KryoException("cannot construct " + type.getName() + ": " + t, t);
            e.addTrace(type.getName());
            throw e;
        }
    }

    private byte primitiveKind(Kryo kryo, int i) {
        byte kind = BOXED;
        if (primitiveGetters[i] != null) {
            Class<?> s = serializer(kryo, i).getClass();
            if (s == DefaultSerializers.LongSerializer.class) {
                kind = LONG;
            } else if (s == DefaultSerializers.IntSerializer.class) {
                kind = INT;
            }
        }
        primitiveKind[i] = kind;
        return kind;
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
