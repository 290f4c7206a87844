package dev.lingon.xen.serialization;

import static java.lang.classfile.ClassFile.ACC_FINAL;
import static java.lang.classfile.ClassFile.ACC_PRIVATE;
import static java.lang.classfile.ClassFile.ACC_PUBLIC;
import static java.lang.classfile.ClassFile.ACC_SYNTHETIC;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_byte;
import static java.lang.constant.ConstantDescs.CD_char;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_short;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Straight-line code for one record type: a hidden class, defined in the record's own package and nest,
 * that reads each component with the call Kryo's serializer for it would make and then calls the
 * canonical constructor with the values as they are, and writes through the accessors the same way.
 * The reflective path (an {@code Object[]} of boxed values spread into a method handle, and one
 * megamorphic serializer call per component) cost about three times what the bytes themselves take,
 * and the receiving side of a mailbox channel pays it for every message. The bytes are unchanged: what
 * is not a leaf Kryo's default serializers own goes back to the {@link RecordSerializer} through
 * {@link Components}.
 *
 * <p>Public only because the generated classes live in the records' packages and must reach these
 * types; not an API.
 *
 * <p>Threads: the class cache is concurrent; a codec instance belongs to its record serializer, so to one
 * Kryo instance and one thread at a time.
 */
public final class GeneratedRecordCodecs {
    private GeneratedRecordCodecs() {
    }

    /** What a generated class implements. */
    public interface Codec {
        Object read(Kryo kryo, Input input);

        void write(Kryo kryo, Output output, Object record);
    }

    /** The general path for one component (by its index in name order), back in the record serializer. */
    public interface Components {
        Object readComponent(int component, Kryo kryo, Input input);

        void writeComponent(int component, Kryo kryo, Output output, Object value);
    }

    /**
     * How one component travels. Every kind but {@link #GENERAL} is a leaf read and written exactly as
     * Kryo's default serializer for its type does it.
     */
    enum Kind {
        GENERAL, LONG, INT, BOOLEAN, BYTE, CHAR, SHORT, FLOAT, DOUBLE, BYTES
    }

    /** A {@code byte[]} as Kryo's {@code ByteArraySerializer} reads it (length plus one, 0 for null), bounds-checked first. */
    public static byte[] readBytes(Input input) {
        int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne == Kryo.NULL) {
            return null;
        }
        Bounds.check(lengthPlusOne - 1, Bounds.remaining(input), "byte[]");
        return input.readBytes(lengthPlusOne - 1);
    }

    /** A {@code byte[]} as Kryo's {@code ByteArraySerializer} writes it. */
    public static void writeBytes(Output output, byte[] bytes) {
        if (bytes == null) {
            output.writeByte(Kryo.NULL);
            return;
        }
        output.writeVarInt(bytes.length + 1, true);
        output.writeBytes(bytes);
    }

    /** Per record type, the generated class's constructor for each combination of component kinds met. */
    private static final ClassValue<Map<String, MethodHandle>> CLASSES = new ClassValue<>() {
        @Override
        protected Map<String, MethodHandle> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private static final ClassDesc CD_KRYO = desc(Kryo.class);
    private static final ClassDesc CD_INPUT = desc(Input.class);
    private static final ClassDesc CD_OUTPUT = desc(Output.class);
    private static final ClassDesc CD_CODEC = desc(Codec.class);
    private static final ClassDesc CD_COMPONENTS = desc(Components.class);
    private static final ClassDesc CD_SELF = desc(GeneratedRecordCodecs.class);
    private static final ClassDesc CD_BYTES = CD_byte.arrayType();

    /**
     * A codec for {@code type} whose general components go to {@code components}.
     *
     * @param accessors the record's accessor names in name order (the wire order)
     * @param types     their types, in the same order
     * @param declared  for each position in name order, the component's position in the canonical constructor
     * @param kinds     how each travels, in the same order
     * @throws ReflectiveOperationException or a {@link LinkageError} if the class cannot be defined where the
     *                                      record is (the caller then keeps the reflective path)
     */
    static Codec create(Class<?> type, String[] accessors, Class<?>[] types, int[] declared, Kind[] kinds, Components components)
            throws Throwable {
        StringBuilder key = new StringBuilder(kinds.length);
        for (Kind k : kinds) {
            key.append((char) ('A' + k.ordinal()));
        }
        Map<String, MethodHandle> defined = CLASSES.get(type);
        MethodHandle constructor = defined.get(key.toString());
        if (constructor == null) {
            constructor = define(type, accessors, types, declared, kinds);
            defined.putIfAbsent(key.toString(), constructor);
        }
        return (Codec) constructor.invoke(components);
    }

    /** Whether code in {@code type}'s package can link against this module's codec types and Kryo's. */
    static boolean reachableFrom(Class<?> type) {
        Module ours = GeneratedRecordCodecs.class.getModule();
        Module kryos = Kryo.class.getModule();
        Module theirs = type.getModule();
        if (!theirs.canRead(ours) || !ours.isExported(GeneratedRecordCodecs.class.getPackageName(), theirs)
                || !theirs.canRead(kryos) || !kryos.isExported(Input.class.getPackageName(), theirs)
                || !kryos.isExported(Kryo.class.getPackageName(), theirs)) {
            return false;
        }
        ClassLoader loader = type.getClassLoader();
        try {
            return Class.forName(Kryo.class.getName(), false, loader) == Kryo.class
                    && Class.forName(GeneratedRecordCodecs.class.getName(), false, loader) == GeneratedRecordCodecs.class;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static MethodHandle define(Class<?> type, String[] accessors, Class<?>[] types, int[] declared, Kind[] kinds)
            throws ReflectiveOperationException {
        ClassDesc record = desc(type);
        ClassDesc self = ClassDesc.of(type.getName() + "$$LingonCodec");
        int n = types.length;
        Class<?>[] parameters = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            parameters[declared[i]] = types[i];
        }
        MethodTypeDesc canonical = MethodTypeDesc.of(CD_void, java.util.Arrays.stream(parameters).map(GeneratedRecordCodecs::desc).toArray(ClassDesc[]::new));
        byte[] bytes = ClassFile.of().build(self, clb -> {
            clb.withFlags(ACC_FINAL | ACC_SYNTHETIC);
            clb.withInterfaceSymbols(CD_CODEC);
            clb.withField("components", CD_COMPONENTS, ACC_PRIVATE | ACC_FINAL);
            clb.withMethodBody(INIT_NAME, MethodTypeDesc.of(CD_void, CD_COMPONENTS), ACC_PUBLIC, cob -> cob
                    .aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void)
                    .aload(0).aload(1).putfield(self, "components", CD_COMPONENTS)
                    .return_());
            clb.withMethodBody("read", MethodTypeDesc.of(CD_Object, CD_KRYO, CD_INPUT), ACC_PUBLIC, cob -> {
                int[] slots = new int[n];
                for (int i = 0; i < n; i++) {
                    readComponent(cob, self, i, types[i], kinds[i]);
                    slots[i] = cob.allocateLocal(TypeKind.from(types[i]));
                    cob.storeLocal(TypeKind.from(types[i]), slots[i]);
                }
                cob.new_(record).dup();
                for (int p = 0; p < n; p++) {
                    int i = indexOf(declared, p);
                    cob.loadLocal(TypeKind.from(types[i]), slots[i]);
                }
                cob.invokespecial(record, INIT_NAME, canonical).areturn();
            });
            clb.withMethodBody("write", MethodTypeDesc.of(CD_void, CD_KRYO, CD_OUTPUT, CD_Object), ACC_PUBLIC, cob -> {
                cob.aload(3).checkcast(record).astore(3);
                for (int i = 0; i < n; i++) {
                    writeComponent(cob, self, record, i, accessors[i], types[i], kinds[i]);
                }
                cob.return_();
            });
        });
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup())
                .defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE);
        return lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class, Components.class))
                .asType(MethodType.methodType(Object.class, Components.class));
    }

    private static void readComponent(CodeBuilder cob, ClassDesc self, int i, Class<?> type, Kind kind) {
        switch (kind) {
            case LONG -> cob.aload(2).iconst_0().invokevirtual(CD_INPUT, "readVarLong", MethodTypeDesc.of(CD_long, CD_boolean));
            case INT -> cob.aload(2).iconst_0().invokevirtual(CD_INPUT, "readInt", MethodTypeDesc.of(CD_int, CD_boolean));
            case BOOLEAN -> cob.aload(2).invokevirtual(CD_INPUT, "readBoolean", MethodTypeDesc.of(CD_boolean));
            case BYTE -> cob.aload(2).invokevirtual(CD_INPUT, "readByte", MethodTypeDesc.of(CD_byte));
            case CHAR -> cob.aload(2).invokevirtual(CD_INPUT, "readChar", MethodTypeDesc.of(CD_char));
            case SHORT -> cob.aload(2).invokevirtual(CD_INPUT, "readShort", MethodTypeDesc.of(CD_short));
            case FLOAT -> cob.aload(2).invokevirtual(CD_INPUT, "readFloat", MethodTypeDesc.of(CD_float));
            case DOUBLE -> cob.aload(2).invokevirtual(CD_INPUT, "readDouble", MethodTypeDesc.of(CD_double));
            case BYTES -> cob.aload(2).invokestatic(CD_SELF, "readBytes", MethodTypeDesc.of(CD_BYTES, CD_INPUT));
            case GENERAL -> {
                cob.aload(0).getfield(self, "components", CD_COMPONENTS).loadConstant(i).aload(1).aload(2)
                        .invokeinterface(CD_COMPONENTS, "readComponent", MethodTypeDesc.of(CD_Object, CD_int, CD_KRYO, CD_INPUT));
                if (type.isPrimitive()) {
                    ClassDesc box = box(type);
                    cob.checkcast(box).invokevirtual(box, type.getName() + "Value", MethodTypeDesc.of(desc(type)));
                } else if (type != Object.class) {
                    cob.checkcast(desc(type));
                }
            }
        }
    }

    private static void writeComponent(CodeBuilder cob, ClassDesc self, ClassDesc record, int i, String accessor, Class<?> type,
            Kind kind) {
        MethodTypeDesc get = MethodTypeDesc.of(desc(type));
        switch (kind) {
            case LONG -> cob.aload(2).aload(3).invokevirtual(record, accessor, get).iconst_0()
                    .invokevirtual(CD_OUTPUT, "writeVarLong", MethodTypeDesc.of(CD_int, CD_long, CD_boolean)).pop();
            case INT -> cob.aload(2).aload(3).invokevirtual(record, accessor, get).iconst_0()
                    .invokevirtual(CD_OUTPUT, "writeInt", MethodTypeDesc.of(CD_int, CD_int, CD_boolean)).pop();
            case BOOLEAN, BYTE, CHAR, SHORT, FLOAT, DOUBLE -> {
                String method = "write" + Character.toUpperCase(type.getName().charAt(0)) + type.getName().substring(1);
                // Output.writeShort takes an int (a short on the operand stack is one).
                ClassDesc parameter = kind == Kind.SHORT ? CD_int : desc(type);
                cob.aload(2).aload(3).invokevirtual(record, accessor, get)
                        .invokevirtual(CD_OUTPUT, method, MethodTypeDesc.of(CD_void, parameter));
            }
            case BYTES -> cob.aload(2).aload(3).invokevirtual(record, accessor, get)
                    .invokestatic(CD_SELF, "writeBytes", MethodTypeDesc.of(CD_void, CD_OUTPUT, CD_BYTES));
            case GENERAL -> {
                cob.aload(0).getfield(self, "components", CD_COMPONENTS).loadConstant(i).aload(1).aload(2)
                        .aload(3).invokevirtual(record, accessor, get);
                if (type.isPrimitive()) {
                    ClassDesc box = box(type);
                    cob.invokestatic(box, "valueOf", MethodTypeDesc.of(box, desc(type)));
                }
                cob.invokeinterface(CD_COMPONENTS, "writeComponent", MethodTypeDesc.of(CD_void, CD_int, CD_KRYO, CD_OUTPUT, CD_Object));
            }
        }
    }

    private static int indexOf(int[] declared, int position) {
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] == position) {
                return i;
            }
        }
        throw new IllegalArgumentException("no component at constructor position " + position);
    }

    /** The wrapper class of primitive {@code type} ({@code Long} for {@code long}). */
    private static ClassDesc box(Class<?> type) {
        return desc(MethodType.methodType(type).wrap().returnType());
    }

    private static ClassDesc desc(Class<?> type) {
        return type.describeConstable().orElseThrow(() -> new IllegalArgumentException("no descriptor for " + type));
    }
}
