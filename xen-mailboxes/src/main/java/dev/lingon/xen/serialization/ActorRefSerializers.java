package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;

/**
 * Actor references travel as their serialization format, a path with the owning system's address
 * ({@code pekko://name@host:port/user/a#uid}), and are resolved by the reading system's provider:
 * a typed {@link ActorRef} through {@link ActorRefResolver}, a classic one through
 * {@link Serialization#serializedActorPath} and {@code provider().resolveActorRef}. A reference that
 * names no live actor resolves as Pekko resolves it (dead letters).
 *
 * <p>Threads: one instance per serializer, shared by every pooled Kryo; the resolver is looked up
 * once, lazily, because the serializer is built while its ActorSystem is still starting.
 */
final class ActorRefSerializers {
    private final ExtendedActorSystem system;
    private volatile ActorRefResolver resolver;

    ActorRefSerializers(ExtendedActorSystem system) {
        this.system = system;
    }

    Serializer<ActorRef<?>> typed() {
        return new Typed();
    }

    Serializer<org.apache.pekko.actor.ActorRef> classic() {
        return new Classic();
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    private static String readPath(Input input) {
        String path = input.readString();
        if (path == null || path.isEmpty()) {
            throw new KryoException("corrupt input: an actor reference without a path");
        }
        return path;
    }

    private final class Typed extends Serializer<ActorRef<?>> {
        Typed() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output output, ActorRef<?> ref) {
            output.writeString(resolver().toSerializationFormat(ref));
        }

        @Override
        public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
            return resolver().resolveActorRef(readPath(input));
        }
    }

    private final class Classic extends Serializer<org.apache.pekko.actor.ActorRef> {
        Classic() {
            super(false, true);
        }

        @Override
        public void write(Kryo kryo, Output output, org.apache.pekko.actor.ActorRef ref) {
            output.writeString(Serialization.serializedActorPath(ref));
        }

        @Override
        public org.apache.pekko.actor.ActorRef read(Kryo kryo, Input input, Class<? extends org.apache.pekko.actor.ActorRef> type) {
            return system.provider().resolveActorRef(readPath(input));
        }
    }
}
