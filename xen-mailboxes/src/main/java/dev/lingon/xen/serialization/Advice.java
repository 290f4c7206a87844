package dev.lingon.xen.serialization;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The error messages that tell a user what to do. Stateless. */
final class Advice {
    private Advice() {
    }

    static String unregistered(Class<?> type) {
        String name = type.getName();
        StringBuilder b = new StringBuilder();
        b.append("class ").append(name).append(" is not registered with the lingon-kryo serializer")
                .append(" (registration is required and Java serialization is never used).");
        if (java.lang.reflect.Proxy.isProxyClass(type)) {
            return b.append(" It is a dynamic proxy, which cannot be serialized: send a registered record instead.").toString();
        }
        if (type.isHidden() || type.isSynthetic() || name.contains("$$Lambda")) {
            return b.append(" It is a lambda or another generated class, which cannot be registered:")
                    .append(" send a registered record or enum instead.").toString();
        }
        if (isJdk(name)) {
            return b.append(" It is a JDK class lingon-kryo does not carry (its internals are closed to reflection):")
                    .append(" copy it into a supported type, e.g. List.copyOf(..), Set.copyOf(..), Map.copyOf(..),")
                    .append(" new ArrayList<>(..), new HashMap<>(..).").toString();
        }
        if (type.isAnonymousClass() || type.isLocalClass()) {
            b.append(" It is an anonymous or local class, whose name the compiler chooses: prefer a named record.");
        }
        String source = type.getCanonicalName() != null ? type.getCanonicalName() : name;
        b.append(" Register it in configuration:\n")
                .append("    lingon.serialization.kryo.classes += \"").append(name).append("\"\n")
                .append("  or with a fixed id (").append(KryoRegistry.MIN_EXPLICIT_ID).append("..")
                .append(KryoRegistry.MAX_EXPLICIT_ID).append("):\n")
                .append("    lingon.serialization.kryo.ids { \"").append(name).append("\" = <id> }\n")
                .append("  or from code, in a KryoRegistrar named in lingon.serialization.kryo.registrars:\n")
                .append("    registry.register(").append(source).append(".class)");
        Class<?> sealed = sealedSupertype(type);
        if (sealed != null) {
            b.append("\n  It is a permitted subclass of sealed ").append(sealed.getName())
                    .append(": registering that registers all of its permitted subclasses.");
        }
        return b.toString();
    }

    static boolean isJdk(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")
                || name.startsWith("com.sun.");
    }

    /** The sealed ancestor with the most members whose registration would register {@code type}, or null. */
    private static Class<?> sealedSupertype(Class<?> type) {
        Class<?> best = null;
        int bestSize = 0;
        for (Class<?> ancestor : ancestors(type, new LinkedHashSet<>())) {
            if (!ancestor.isSealed() || ancestor.isEnum()) {
                continue;
            }
            List<KryoRegistry.Request> members = new KryoRegistry().register(ancestor).requests();
            boolean covers = members.stream().anyMatch(r -> r.type() == type);
            if (covers && members.size() > bestSize) {
                best = ancestor;
                bestSize = members.size();
            }
        }
        return best;
    }

    private static Set<Class<?>> ancestors(Class<?> type, Set<Class<?>> into) {
        Class<?> superclass = type.getSuperclass();
        if (superclass != null && into.add(superclass)) {
            ancestors(superclass, into);
        }
        for (Class<?> i : type.getInterfaces()) {
            if (into.add(i)) {
                ancestors(i, into);
            }
        }
        return into;
    }
}
