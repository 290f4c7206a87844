package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Serializer;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The classes a {@link KryoSerializer} carries beyond its built-ins, and the id each travels under.
 *
 * <p>Ids are a pure function of the registrations, never of their order, so two processes that
 * register the same classes, in any order and with any extra classes each, read each other's bytes:
 * <ul>
 *   <li>{@link #register(Class, int)}: the id given, in {@value #MIN_EXPLICIT_ID}…{@value #MAX_EXPLICIT_ID}.
 *       Use it to pin a class whose name may change, or to settle a hash collision.</li>
 *   <li>{@link #register(Class)}: the stable hash of the class's binary name ({@link #hashedId(String)}),
 *       in {@value #MIN_HASHED_ID}…{@value #MAX_HASHED_ID}. Two registered names that hash alike fail the
 *       serializer's construction with a message naming both; renaming a class changes its id.</li>
 *   <li>Ids 0…{@value #MAX_BUILTIN_ID} are the built-ins (Kryo's primitives and String, then Lingon's
 *       table of JDK, collection and Pekko types; see the package documentation).</li>
 * </ul>
 * The three ranges do not overlap, so an explicit id never collides with a hashed one.
 *
 * <p>Registering a sealed interface or sealed abstract class registers every concrete permitted
 * subclass, recursively; a sealed class that can itself be instantiated is registered too. A
 * {@code non-sealed} branch cannot be enumerated: its classes must be registered themselves.
 * Registering an interface or abstract class that is not sealed is refused, since no instance has that
 * class. A class registered twice keeps its explicit id; two different explicit ids are refused.
 *
 * <p>Threads: filled by the one thread that builds a serializer (reading configuration, then calling
 * each {@link KryoRegistrar} in turn); never shared.
 */
public final class KryoRegistry {
    public static final int MAX_BUILTIN_ID = 255;
    public static final int MIN_EXPLICIT_ID = 256;
    public static final int MAX_EXPLICIT_ID = (1 << 20) - 1;
    public static final int MIN_HASHED_ID = 1 << 20;
    public static final int MAX_HASHED_ID = (1 << 28) - 1;

    private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;

    /** One class to register; {@code id} is {@link #HASHED} when it travels under its name's hash. */
    record Request(Class<?> type, int id, Supplier<? extends Serializer<?>> serializer, String origin) {
        static final int HASHED = -1;

        boolean explicit() {
            return id != HASHED;
        }
    }

    private final Map<Class<?>, Request> requests = new LinkedHashMap<>();
    private String origin = "code";

    KryoRegistry() {
    }

    /**
     * Registers {@code type} under the stable hash of its name; a sealed type stands for all its
     * permitted subclasses.
     *
     * @throws IllegalArgumentException if {@code type} is an interface or abstract class that is not sealed
     */
    public KryoRegistry register(Class<?> type) {
        Objects.requireNonNull(type, "type");
        if (isAbstract(type)) {
            if (!type.isSealed()) {
                throw new IllegalArgumentException(type.getName() + " (from " + origin + ") is an "
                        + (type.isInterface() ? "interface" : "abstract class")
                        + " that is not sealed, so no message has that class: register its concrete classes, or make it sealed"
                        + " to register all of its permitted subclasses at once");
            }
            expandSealed(type, type);
            return this;
        }
        add(new Request(type, Request.HASHED, null, origin));
        if (type.isSealed() && !type.isEnum()) {
            expandSealed(type, type);
        }
        return this;
    }

    /**
     * Registers the concrete class {@code type} under the explicit {@code id}.
     *
     * @throws IllegalArgumentException if {@code id} is outside {@value #MIN_EXPLICIT_ID}…{@value #MAX_EXPLICIT_ID},
     *                                  if {@code type} is abstract, or already registered with another id
     */
    public KryoRegistry register(Class<?> type, int id) {
        Objects.requireNonNull(type, "type");
        requireConcrete(type, id);
        add(new Request(type, checkExplicit(type, id), null, origin));
        return this;
    }

    /**
     * Registers the concrete class {@code type} under the explicit {@code id}, written and read by a
     * serializer of your own. The supplier is called once for each pooled Kryo instance, so the
     * serializer it returns is used by one thread at a time.
     */
    public <T> KryoRegistry register(Class<T> type, int id, Supplier<? extends Serializer<T>> serializer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(serializer, "serializer");
        requireConcrete(type, id);
        add(new Request(type, checkExplicit(type, id), serializer, origin));
        return this;
    }

    /**
     * The id a class registered by name travels under: FNV-1a (64 bit) of the UTF-8 bytes of
     * {@code className} (as {@link Class#getName()} spells it, e.g. {@code com.example.Outer$Inner}),
     * reduced unsigned modulo the size of the hashed range and offset to {@value #MIN_HASHED_ID}.
     * Pure and stable: the same on every JVM, build and run.
     */
    public static int hashedId(String className) {
        long h = FNV64_OFFSET;
        for (byte b : className.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV64_PRIME;
        }
        return MIN_HASHED_ID + (int) Long.remainderUnsigned(h, (long) MAX_HASHED_ID - MIN_HASHED_ID + 1);
    }

    /** Sets where the next registrations come from, for error messages (a config key, a registrar). */
    void origin(String origin) {
        this.origin = origin;
    }

    /** The registrations collected so far, in the order first seen (ids do not depend on it). */
    List<Request> requests() {
        return Collections.unmodifiableList(new ArrayList<>(requests.values()));
    }

    private void expandSealed(Class<?> root, Class<?> sealed) {
        Class<?>[] permitted = sealed.getPermittedSubclasses();
        if (permitted == null) {
            return;
        }
        for (Class<?> sub : permitted) {
            if (!isAbstract(sub)) {
                add(new Request(sub, Request.HASHED, null, "sealed " + root.getName() + " (from " + origin + ")"));
            }
            if (sub.isSealed() && !sub.isEnum()) {
                expandSealed(root, sub);
            }
        }
    }

    private void add(Request request) {
        Request old = requests.get(request.type());
        if (old == null) {
            requests.put(request.type(), request);
            return;
        }
        if (old.explicit() && request.explicit()) {
            if (old.id() != request.id()) {
                throw new IllegalArgumentException(request.type().getName() + " is registered with id " + old.id()
                        + " (from " + old.origin() + ") and with id " + request.id() + " (from " + request.origin()
                        + "); give it one id");
            }
            if (old.serializer() != null && request.serializer() != null && old.serializer() != request.serializer()) {
                throw new IllegalArgumentException(request.type().getName() + " is registered with two serializers (from "
                        + old.origin() + " and from " + request.origin() + "); give it one");
            }
            if (old.serializer() == null && request.serializer() != null) {
                requests.put(request.type(), request);
            }
            return;
        }
        if (request.explicit()) {
            requests.put(request.type(), request);
        }
    }

    private static void requireConcrete(Class<?> type, int id) {
        if (isAbstract(type)) {
            throw new IllegalArgumentException(type.getName() + " is " + (type.isInterface() ? "an interface" : "abstract")
                    + " and has no instances, so id " + id + " would never be used: give ids to its concrete classes"
                    + (type.isSealed() ? " (or register the sealed type without an id to register them all by name)" : ""));
        }
    }

    private static int checkExplicit(Class<?> type, int id) {
        if (id < MIN_EXPLICIT_ID || id > MAX_EXPLICIT_ID) {
            throw new IllegalArgumentException("id " + id + " for " + type.getName() + " is outside the explicit range "
                    + MIN_EXPLICIT_ID + ".." + MAX_EXPLICIT_ID + " (0.." + MAX_BUILTIN_ID + " are built in, "
                    + MIN_HASHED_ID + ".." + MAX_HASHED_ID + " are name hashes)");
        }
        return id;
    }

    /** Enums count as concrete: an enum whose constants have bodies is abstract and sealed, but travels as the enum. */
    private static boolean isAbstract(Class<?> type) {
        return !type.isArray() && !type.isPrimitive() && !type.isEnum()
                && (type.isInterface() || Modifier.isAbstract(type.getModifiers()));
    }
}
