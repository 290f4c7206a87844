package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Util;

import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.ByteBufferSerializer;
import org.apache.pekko.serialization.JSerializer;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

import scala.Option;

/**
 * Lingon's Pekko serializer on Kryo 5, registered as {@code lingon-kryo} with identifier
 * {@value #IDENTIFIER} ({@code 0x4C4B5259}, "LKRY"; Pekko keeps 0…40 for itself).
 *
 * <p>It is a plain {@link Serializer} ({@link JSerializer}) without a manifest: the bytes begin with
 * the message's stable class id (see {@link KryoRegistry}), so they describe themselves, a manifest
 * string would only repeat the id, and a ring slot or an Artery envelope carries nothing but the
 * bytes. It is also a {@link ByteBufferSerializer}: Artery, and Lingon's vchan mailboxes, write
 * straight into their (possibly off-heap) buffers with no intermediate {@code byte[]}.
 *
 * <p>Beyond Pekko's contract: {@link #encode} and {@link #decode} report a message that does not fit
 * and bytes that are not a message as values, for callers (the mailboxes) that must handle both;
 * {@link #get} finds the instance an ActorSystem built.
 *
 * <p>Kryo runs without {@code sun.misc.Unsafe}: unless the JVM was started with {@code -Dkryo.unsafe}
 * set, loading this class sets it to {@code false} before Kryo initialises.
 *
 * <p>Threads: one instance per ActorSystem, shared by all threads. Kryo instances are not
 * thread-safe, so each call takes one from a lock-free pool and gives it back; the hot path allocates
 * only the {@code byte[]} that {@link #toBinary(Object)} must return (and nothing in {@link #encode}).
 */
public final class KryoSerializer extends JSerializer implements ByteBufferSerializer {
    static {
        // Kryo reads this once, when its classes initialise; Lingon never uses Unsafe-based Kryo IO or field access.
        if (System.getProperty("kryo.unsafe") == null) {
            System.setProperty("kryo.unsafe", "false");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(KryoSerializer.class);

    /** Pekko serializer identifier of {@code lingon-kryo}: the ASCII bytes "LKRY". */
    public static final int IDENTIFIER = 0x4C4B5259;
    /** What {@link #encode} returns when the message does not fit between the buffer's position and limit. */
    public static final int DOES_NOT_FIT = -1;

    private final KryoPool pool;
    private final int maxMessageSize;
    private final ActorRefSerializers refs;

    /** Called by Pekko's serialization extension; configured under {@code lingon.serialization.kryo}. */
    public KryoSerializer(ExtendedActorSystem system) {
        KryoSettings settings = KryoSettings.from(system.settings().config());
        RegistrationPlan plan = RegistrationPlan.of(settings.registry(system.dynamicAccess().classLoader()));
        ActorRefSerializers refs = new ActorRefSerializers(system);
        this.refs = refs;
        MinlogBridge.install();
        if (Util.unsafe) {
            log.warn("Kryo is using sun.misc.Unsafe (kryo.unsafe={}); start the JVM with -Dkryo.unsafe=false",
                    System.getProperty("kryo.unsafe"));
        }
        this.maxMessageSize = settings.maxMessageSize();
        Supplier<KryoContext> factory = () -> {
            StableClassResolver resolver = new StableClassResolver();
            LingonKryo kryo = new LingonKryo(resolver, settings.maxDepth());
            Builtins.install(kryo, resolver, refs);
            plan.applyTo(kryo);
            return new KryoContext(kryo, settings.bufferSize(), settings.maxMessageSize());
        };
        this.pool = new KryoPool(settings.poolSize(), factory);
        // Built now so that a class Kryo cannot handle fails the ActorSystem's start, not its first message.
        pool.release(factory.get());
    }

    /** Actor references the reference caches hold now (see {@link ActorRefSerializers}), for tests. */
    int referencesCachedForTest() {
        return refs.cachedForTest();
    }

    /**
     * The serializer the ActorSystem's serialization extension built.
     *
     * @throws IllegalStateException if {@code pekko.actor.serializers.lingon-kryo} is missing or names another class
     */
    public static KryoSerializer get(ClassicActorSystemProvider system) {
        Option<Serializer> serializer = SerializationExtension.get(system).serializerByIdentity().get(IDENTIFIER);
        if (serializer.isDefined() && serializer.get() instanceof KryoSerializer kryo) {
            return kryo;
        }
        throw new IllegalStateException("ActorSystem " + system.classicSystem().name() + " has no lingon-kryo serializer:"
                + " pekko.actor.serializers.lingon-kryo must be " + KryoSerializer.class.getName());
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false;
    }

    /**
     * @throws UnregisteredClassException  if the message or something in it is of an unregistered class
     * @throws KryoSerializationException  if it cannot be written otherwise (too large, too deep, a failing accessor)
     */
    @Override
    public byte[] toBinary(Object message) {
        KryoContext context = pool.acquire();
        try {
            Output output = context.output;
            output.reset();
            context.kryo.writeClassAndObject(output, message);
            return output.toBytes();
        } catch (RuntimeException | StackOverflowError e) {
            context.recover();
            throw Failures.write(message, e, maxMessageSize);
        } finally {
            pool.release(context);
        }
    }

    /**
     * Reads one whole message; the manifest is not used (the bytes carry the class id).
     *
     * @throws MalformedMessageException if the bytes are not exactly one message this side can read
     */
    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        return readArray(bytes, 0, bytes.length);
    }

    /**
     * Writes {@code message} into {@code buffer} from its position, advancing it.
     *
     * @throws BufferOverflowException if it does not fit before the limit (Artery reports such a
     *                                 message as an oversized payload); the position is then unchanged
     */
    @Override
    public void toBinary(Object message, ByteBuffer buffer) {
        if (encode(message, buffer) == DOES_NOT_FIT) {
            throw new BufferOverflowException();
        }
    }

    /**
     * Reads one message that spans exactly the buffer's position to its limit, leaving the position at
     * the limit; the manifest is not used.
     *
     * @throws MalformedMessageException if those bytes are not exactly one message this side can read;
     *                                   the position is then unchanged
     */
    @Override
    public Object fromBinary(ByteBuffer buffer, String manifest) {
        if (buffer.hasArray()) {
            return fromArray(buffer);
        }
        int start = buffer.position();
        KryoContext context = pool.acquire();
        BoundedByteBufferInput input = context.bufferInput;
        try {
            input.setBuffer(buffer);
            Object message = context.kryo.readClassAndObject(input);
            requireEnd(input.position(), buffer.limit());
            return message;
        } catch (RuntimeException | StackOverflowError e) {
            context.recover();
            int reached = input.position() - start;
            buffer.position(start);
            throw new MalformedMessageException(Failures.read(e, reached, buffer.limit() - start), e);
        } finally {
            pool.release(context);
        }
    }

    /**
     * {@link #fromBinary(ByteBuffer, String)} for a heap buffer: Kryo's array {@code Input} reads its
     * bytes directly, where a {@code ByteBufferInput} pays a bounds-checked {@code get} per byte.
     */
    private Object fromArray(ByteBuffer buffer) {
        Object message = readArray(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        buffer.position(buffer.limit());
        return message;
    }

    /**
     * Reads one message that spans exactly {@code length} bytes of {@code bytes} from {@code offset}: the
     * mailbox channel's path, which reads a frame in the array it was copied into.
     *
     * @throws MalformedMessageException if those bytes are not exactly one message this side can read
     * @throws IndexOutOfBoundsException if the region is not inside the array
     */
    public Object fromBinary(byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return readArray(bytes, offset, length);
    }

    /** Reads one message spanning exactly {@code length} bytes of {@code bytes} from {@code offset}. */
    private Object readArray(byte[] bytes, int offset, int length) {
        KryoContext context = pool.acquire();
        BoundedInput input = context.input;
        try {
            input.setBuffer(bytes, offset, length);
            Object message = context.kryo.readClassAndObject(input);
            requireEnd(input.position() - offset, length);
            return message;
        } catch (RuntimeException | StackOverflowError e) {
            context.recover();
            throw new MalformedMessageException(Failures.read(e, input.position() - offset, length), e);
        } finally {
            pool.release(context); // which lets go of the caller's array
        }
    }

    /**
     * Writes {@code message} into {@code target} between its position and its limit, straight into the
     * buffer (heap or direct), and advances the position.
     *
     * @return the number of bytes written, or {@link #DOES_NOT_FIT} if the message needs more room than
     *         the buffer has left; nothing is then consumed (bytes past the position may have been touched)
     * @throws UnregisteredClassException  if the message or something in it is of an unregistered class
     * @throws KryoSerializationException  if it cannot be written otherwise
     * @throws IllegalArgumentException    if {@code target} is read-only
     */
    public int encode(Object message, ByteBuffer target) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("lingon-kryo cannot encode into a read-only buffer");
        }
        int start = target.position();
        KryoContext context = pool.acquire();
        try {
            if (target.hasArray()) {
                // Straight into the backing array: Kryo's array output, not a put per byte.
                ArrayTargetOutput output = context.arrayTarget;
                int base = target.arrayOffset();
                output.target(target.array(), base + start, base + target.limit());
                context.kryo.writeClassAndObject(output, message);
                int end = output.position() - base;
                target.position(end);
                return end - start;
            }
            TargetOutput output = context.target;
            output.target(target);
            context.kryo.writeClassAndObject(output, message);
            int end = output.position();
            target.position(end);
            return end - start;
        } catch (RuntimeException | StackOverflowError e) {
            context.recover();
            target.position(start);
            if (Failures.isOverflow(e)) {
                return DOES_NOT_FIT;
            }
            throw Failures.write(message, e, maxMessageSize);
        } finally {
            pool.release(context);
        }
    }

    /**
     * Reads one message spanning exactly {@code source}'s position to its limit. On
     * {@link DecodeResult.Decoded} the position is at the limit; on {@link DecodeResult.Malformed} it is
     * unchanged.
     */
    public DecodeResult decode(ByteBuffer source) {
        try {
            return new DecodeResult.Decoded(fromBinary(source, ""));
        } catch (MalformedMessageException e) {
            return new DecodeResult.Malformed(e.getMessage());
        }
    }

    /**
     * The id {@code type} travels under: built in, explicit, or its name's hash.
     *
     * @throws UnregisteredClassException if {@code type} is not registered
     */
    public int registeredId(Class<?> type) {
        KryoContext context = pool.acquire();
        try {
            return context.kryo.getRegistration(type).getId();
        } finally {
            pool.release(context);
        }
    }

    /** Idle pooled Kryo instances, for tests. */
    int idleKryoInstances() {
        return pool.idle();
    }

    private static void requireEnd(int position, int end) {
        if (position != end) {
            throw new KryoException((end - position) + " bytes left over after the message: the bytes are corrupt,"
                    + " or hold more than one message");
        }
    }
}
