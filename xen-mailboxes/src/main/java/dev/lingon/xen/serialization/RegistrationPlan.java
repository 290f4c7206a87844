package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checked, final list of user registrations with their ids, sorted by id: computed once per
 * serializer and applied to every Kryo instance the pool builds, so every instance (and every process
 * with the same registrations) agrees on every id. Construction fails fast, naming both classes, when
 * two of them would share an id.
 *
 * <p>Threads: immutable once built; shared by every thread that builds a Kryo instance.
 */
final class RegistrationPlan {
    private static final Logger log = LoggerFactory.getLogger(RegistrationPlan.class);

    record Entry(int id, Class<?> type, KryoRegistry.Request request) {
    }

    private final List<Entry> entries;

    private RegistrationPlan(List<Entry> entries) {
        this.entries = entries;
    }

    static RegistrationPlan of(KryoRegistry registry) {
        Map<Integer, Entry> byId = new TreeMap<>();
        int hashed = 0;
        for (KryoRegistry.Request request : registry.requests()) {
            Class<?> type = request.type();
            int builtin = Builtins.idOf(type);
            if (builtin >= 0) {
                if (request.explicit() || request.serializer() != null) {
                    throw new IllegalArgumentException(type.getName() + " (from " + request.origin()
                            + ") is built into lingon-kryo with id " + builtin + " and cannot be registered again with another id or serializer");
                }
                log.debug("{} (from {}) is built in with id {}; registration ignored", type.getName(), request.origin(), builtin);
                continue;
            }
            int id = request.explicit() ? request.id() : KryoRegistry.hashedId(type.getName());
            Entry entry = new Entry(id, type, request);
            Entry clash = byId.putIfAbsent(id, entry);
            if (clash != null) {
                throw new IllegalArgumentException(collision(clash, entry));
            }
            if (!request.explicit()) {
                hashed++;
            }
        }
        List<Entry> entries = Collections.unmodifiableList(new ArrayList<>(byId.values()));
        log.debug("lingon-kryo: {} registered classes ({} by name hash, {} by explicit id)", entries.size(), hashed,
                entries.size() - hashed);
        return new RegistrationPlan(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    /** Registers the plan's classes with {@code kryo}, which already holds the built-ins. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void applyTo(Kryo kryo) {
        for (Entry entry : entries) {
            Class<?> type = entry.type();
            Serializer<?> serializer;
            try {
                serializer = entry.request().serializer() != null
                        ? entry.request().serializer().get()
                        : defaultSerializer(kryo, type);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("lingon-kryo cannot build a serializer for " + type.getName() + " (from "
                        + entry.request().origin() + "): " + e.getMessage()
                        + (Advice.isJdk(type.getName()) ? "; JDK classes outside the built-ins are closed to reflection" : ""), e);
            }
            if (type.isArray() && entry.request().serializer() == null) {
                serializer = new GuardedArraySerializer(serializer);
            }
            kryo.register(new Registration(type, serializer, entry.id()));
        }
    }

    /** Records through {@link RecordSerializer} where their members can be reached, else Kryo's default for the class. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Serializer<?> defaultSerializer(Kryo kryo, Class<?> type) {
        if (type.isRecord()) {
            try {
                return new RecordSerializer(kryo, type);
            } catch (IllegalAccessException | NoSuchMethodException e) {
                log.debug("{}: record members not reachable through method handles ({}); using Kryo's reflective record serializer",
                        type.getName(), e.toString());
            }
        }
        return kryo.getDefaultSerializer(type);
    }

    private static String collision(Entry first, Entry second) {
        String a = first.type().getName();
        String b = second.type().getName();
        if (first.request().explicit() && second.request().explicit()) {
            return "lingon-kryo: " + a + " (from " + first.request().origin() + ") and " + b + " (from "
                    + second.request().origin() + ") are both registered with explicit id " + first.id() + "; give one of them another id";
        }
        String hashedOne = first.request().explicit() ? b : a;
        return "lingon-kryo: " + a + " (from " + first.request().origin() + ") and " + b + " (from "
                + second.request().origin() + ") both hash to id " + first.id()
                + ". Give one of them an explicit id (" + KryoRegistry.MIN_EXPLICIT_ID + ".." + KryoRegistry.MAX_EXPLICIT_ID + "):\n"
                + "    lingon.serialization.kryo.ids { \"" + hashedOne + "\" = <id> }\n"
                + "  or registry.register(" + hashedOne + ".class, <id>) in a KryoRegistrar";
    }
}
