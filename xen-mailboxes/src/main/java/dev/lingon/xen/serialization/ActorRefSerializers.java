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

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Actor references travel as their serialization format, a path with the owning system's address
 * ({@code pekko://name@host:port/user/a#uid}), and are resolved by the reading system's provider:
 * a typed {@link ActorRef} through {@link ActorRefResolver}, a classic one through
 * {@link Serialization#serializedActorPath} and {@code provider().resolveActorRef}. A reference that
 * names no live actor resolves as Pekko resolves it (dead letters).
 *
 * <p>Both directions are cached, because a stream of requests names the same few actors over and over
 * (a {@code replyTo} in every request): formatting a typed reference builds its path string with the
 * address, and resolving one parses it as a URI, each costing more than a small message itself. A
 * reference read from the cache is used only while it is not terminated; a terminated one (its actor
 * stopped, or the mailbox channel to its domain closed) is resolved again, as it would have been without
 * the cache, and terminated references are never cached. A refused write is not cached either. Each
 * cache holds at most {@link #CACHE_LIMIT} references and is emptied when it would grow past that, so
 * many one-off references (each {@code ask} has its own) cost a map insertion each and no memory over
 * time. Classic references are written uncached: their format depends on the transport of the moment
 * ({@link Serialization#currentTransportInformation}).
 *
 * <p>Threads: one instance per serializer, shared by every pooled Kryo; the resolver is looked up
 * once, lazily, because the serializer is built while its ActorSystem is still starting.
 */
final class ActorRefSerializers {
    /** References each cache holds at most. */
    static final int CACHE_LIMIT = 1024;

    private final ExtendedActorSystem system;
    private volatile ActorRefResolver resolver;
    private final ConcurrentHashMap<ActorRef<?>, String> typedWritten = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ActorRef<?>> typedRead = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, org.apache.pekko.actor.ActorRef> classicRead = new ConcurrentHashMap<>();

    /** Made once: the resolver is looked up only on a cache miss, and only once the system has started. */
    private final Function<String, ActorRef<?>> resolveTypedFresh;
    private final Function<String, org.apache.pekko.actor.ActorRef> resolveClassicFresh;

    ActorRefSerializers(ExtendedActorSystem system) {
        this.system = system;
        this.resolveTypedFresh = path -> resolver().resolveActorRef(path);
        this.resolveClassicFresh = path -> system.provider().resolveActorRef(path);
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

    /** References the caches hold now, for tests. */
    int cachedForTest() {
        return typedWritten.size() + typedRead.size() + classicRead.size();
    }

    private static <K, V> void remember(ConcurrentHashMap<K, V> cache, K key, V value) {
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(key, value);
    }

    private ActorRef<?> resolveTyped(String path) {
        return resolveCached(typedRead, path, resolveTypedFresh, ref -> Adapter.toClassic(ref).isTerminated());
    }

    private org.apache.pekko.actor.ActorRef resolveClassic(String path) {
        return resolveCached(classicRead, path, resolveClassicFresh, org.apache.pekko.actor.ActorRef::isTerminated);
    }

    /** The cached reference of {@code path} while it is not terminated, else a fresh resolution (cached unless terminated). */
    private static <R> R resolveCached(ConcurrentHashMap<String, R> cache, String path, Function<String, R> resolve, Predicate<R> terminated) {
        R cached = cache.get(path);
        if (cached != null && !terminated.test(cached)) {
            return cached;
        }
        R ref = resolve.apply(path);
        if (!terminated.test(ref)) {
            remember(cache, path, ref);
        } else if (cached != null) {
            cache.remove(path, cached);
        }
        return ref;
    }

    private String formatTyped(ActorRef<?> ref) {
        String cached = typedWritten.get(ref);
        if (cached != null) {
            return cached;
        }
        String format = resolver().toSerializationFormat(ref);
        remember(typedWritten, ref, format);
        return format;
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
            output.writeString(formatTyped(ref));
        }

        @Override
        public ActorRef<?> read(Kryo kryo, Input input, Class<? extends ActorRef<?>> type) {
            return resolveTyped(readPath(input));
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
            return resolveClassic(readPath(input));
        }
    }
}
