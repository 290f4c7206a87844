package dev.lingon.xen.serialization;

import org.apache.pekko.actor.typed.ActorRef;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The test protocol: {@link Wire} is bound to lingon-kryo and registered, which registers every message below it. */
final class Messages {
    private Messages() {
    }

    sealed interface Wire permits Ping, Pong, Colour, Order, Shape, Holder, RefHolder, ClassicRefHolder, Deep, Plain, NotJava {
    }

    record Ping(String text, ActorRef<Pong> replyTo) implements Wire {
    }

    record Pong(String text) implements Wire {
    }

    enum Colour implements Wire {
        RED, GREEN, BLUE
    }

    record Order(UUID id, String item, int quantity, Instant at, Duration ttl, Optional<String> note, List<String> tags,
            Map<String, Integer> counts, Set<Colour> colours, Colour colour) implements Wire {
    }

    sealed interface Shape extends Wire permits Circle, Polygon {
    }

    record Circle(double radius) implements Shape {
    }

    sealed interface Polygon extends Shape permits Square, Triangle {
    }

    record Square(double side) implements Polygon {
    }

    record Triangle(double a, double b, double c) implements Polygon {
    }

    /** Carries any value, so every supported kind can be tested as a field of a registered record. */
    record Holder(Object value) implements Wire {
    }

    record RefHolder(ActorRef<Pong> ref, List<ActorRef<Pong>> refs, Optional<ActorRef<Pong>> maybe) implements Wire {
    }

    record ClassicRefHolder(org.apache.pekko.actor.ActorRef ref) implements Wire {
    }

    record Deep(Deep next) implements Wire {
        static Deep nested(int depth) {
            Deep d = null;
            for (int i = 0; i < depth; i++) {
                d = new Deep(d);
            }
            return d;
        }
    }

    /** An ordinary class without a no-argument constructor, written field by field. */
    static final class Plain implements Wire {
        private final String name;
        private final long[] values;
        private transient int cachedHash;

        Plain(String name, long... values) {
            this.name = name;
            this.values = values;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Plain p && p.name.equals(name) && java.util.Arrays.equals(p.values, values);
        }

        @Override
        public int hashCode() {
            if (cachedHash == 0) {
                cachedHash = Objects.hash(name, java.util.Arrays.hashCode(values));
            }
            return cachedHash;
        }
    }

    /** Serializable, but Java serialization of it fails loudly: lingon-kryo must never use it. */
    static final class NotJava implements Wire, Serializable {
        private static final long serialVersionUID = 1L;
        final String payload;

        NotJava(String payload) {
            this.payload = payload;
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            throw new IllegalStateException("Java serialization used for NotJava");
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException {
            throw new IllegalStateException("Java serialization used for NotJava");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NotJava n && n.payload.equals(payload);
        }

        @Override
        public int hashCode() {
            return payload.hashCode();
        }
    }

    /** Never registered anywhere. */
    record Unregistered(String text) {
    }

    /** Serializable and never registered: must not fall back to Java serialization. */
    record UnregisteredSerializable(String text) implements Serializable {
    }
}
