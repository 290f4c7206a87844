package dev.lingon.xen.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lingon.serialization.kryo} as read from an ActorSystem's configuration (see reference.conf).
 * Immutable; read once by the thread that builds the serializer.
 *
 * @param classes        classes (or sealed types) registered under their name's hash
 * @param ids            class name → explicit id, sorted by name
 * @param registrars     {@link KryoRegistrar} class names, called in this order
 * @param maxDepth       deepest nesting of objects read or written
 * @param bufferSize     initial size of the buffer {@link KryoSerializer#toBinary(Object)} writes into
 * @param maxMessageSize largest message {@link KryoSerializer#toBinary(Object)} writes
 * @param poolSize       idle Kryo instances kept for reuse
 */
record KryoSettings(List<String> classes, Map<String, Integer> ids, List<String> registrars, int maxDepth,
        int bufferSize, int maxMessageSize, int poolSize) {

    static final String PATH = "lingon.serialization.kryo";

    static KryoSettings from(Config config) {
        Config c = config.getConfig(PATH);
        Map<String, Integer> ids = new TreeMap<>();
        flattenIds("", c.getObject("ids"), ids);
        return new KryoSettings(
                List.copyOf(c.getStringList("classes")),
                ids,
                List.copyOf(c.getStringList("registrars")),
                positive(c, "max-depth", c.getInt("max-depth")),
                positive(c, "buffer-size", bytes(c, "buffer-size")),
                positive(c, "max-message-size", bytes(c, "max-message-size")),
                positive(c, "pool-size", c.getInt("pool-size")));
    }

    /** Builds the registry these settings describe, loading classes through {@code loader}. */
    KryoRegistry registry(ClassLoader loader) {
        KryoRegistry registry = new KryoRegistry();
        registry.origin(PATH + ".classes");
        for (String name : classes) {
            registry.register(load(name, "classes", loader));
        }
        registry.origin(PATH + ".ids");
        for (Map.Entry<String, Integer> id : ids.entrySet()) {
            registry.register(load(id.getKey(), "ids", loader), id.getValue());
        }
        for (String name : registrars) {
            Class<?> type = load(name, "registrars", loader);
            if (!KryoRegistrar.class.isAssignableFrom(type)) {
                throw new IllegalArgumentException(PATH + ".registrars: " + name + " does not implement "
                        + KryoRegistrar.class.getName());
            }
            KryoRegistrar registrar;
            try {
                registrar = (KryoRegistrar) type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(PATH + ".registrars: cannot create " + name
                        + " (it needs a public no-argument constructor): " + e, e);
            }
            registry.origin("registrar " + name);
            registrar.registerClasses(registry);
        }
        return registry;
    }

    private static Class<?> load(String name, String key, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException(PATH + "." + key + ": class " + name + " not found (use the binary name,"
                    + " e.g. com.example.Outer$Inner for a nested class)", e);
        }
    }

    /** Accepts quoted keys ({@code "com.example.Foo" = 300}) and, for convenience, unquoted dotted paths. */
    private static void flattenIds(String prefix, ConfigObject object, Map<String, Integer> into) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            ConfigValue value = e.getValue();
            if (value.valueType() == ConfigValueType.OBJECT) {
                flattenIds(name, (ConfigObject) value, into);
            } else if (value.valueType() == ConfigValueType.NUMBER && value.unwrapped() instanceof Integer id) {
                into.put(name, id);
            } else {
                throw new IllegalArgumentException(PATH + ".ids: the id of " + name + " must be an integer, got "
                        + value.render());
            }
        }
    }

    private static int bytes(Config c, String key) {
        long value = c.getBytes(key);
        if (value > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(PATH + "." + key + " must be below 2 GiB, got " + value);
        }
        return (int) value;
    }

    private static int positive(Config c, String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(PATH + "." + key + " must be at least 1, got " + value);
        }
        return value;
    }
}
