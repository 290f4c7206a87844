package dev.lingon.bench.cross;

import dev.lingon.xen.serialization.KryoSerializer;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.ActorSystem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One thread's cost of turning the cross-domain benchmark's {@link BenchMsg.Payload} into bytes and back
 * through lingon-kryo, as a mailbox channel does per message (encode on the sender's vCPU, decode on the
 * receiver's): no second core, so the figure does not move with where the host puts the two vCPUs,
 * which the cross-domain throughput does. {@code decodeByHand} reads the same bytes with the fewest calls
 * Kryo's input allows (class id, the array, the long; no registry, no pool): the floor for {@code decode};
 * {@code encodeByHand} is the same for {@code encode}. This thread is not a vCPU, so {@code encode} and
 * {@code decode} take their Kryo context from the shared pool (a compare-and-set each way) where a vCPU
 * keeps its own.
 *
 * <pre>benchmarks/run MessageCodec</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkryo.unsafe=false"})
@State(Scope.Thread)
public class MessageCodecBenchmark {

    @Param({"64", "1024"})
    int payloadBytes;

    private ActorSystem system;
    private KryoSerializer kryo;
    private BenchMsg.Payload message;
    private ByteBuffer encoded;
    private ByteBuffer target;
    private long seq;

    @Setup
    public void setUp() {
        system = ActorSystem.create("codec", ConfigFactory.parseString(BenchMsg.KRYO_CONFIG).withFallback(ConfigFactory.load()));
        kryo = KryoSerializer.get(system);
        message = new BenchMsg.Payload(123_456_789L, new byte[payloadBytes]);
        target = ByteBuffer.allocate(payloadBytes + 64);
        kryo.toBinary(message, target);
        encoded = target.flip().slice();
        payloadId = kryo.registeredId(BenchMsg.Payload.class);
    }

    @TearDown
    public void tearDown() {
        system.terminate();
    }

    @Benchmark
    public Object decode() {
        return kryo.fromBinary(encoded.clear(), "");
    }

    private final Input hand = new Input();

    @Benchmark
    public Object decodeByHand() {
        ByteBuffer b = encoded.clear();
        hand.setBuffer(b.array(), b.arrayOffset(), b.remaining());
        int id = hand.readVarInt(true);
        if (id == 0) {
            throw new IllegalStateException("a null where a Payload was written");
        }
        // Components in name order: "bytes" (length plus one), then "seq".
        int len = hand.readVarInt(true);
        byte[] bytes = len == 0 ? null : hand.readBytes(len - 1);
        long seq = hand.readVarLong(false);
        return new BenchMsg.Payload(seq, bytes);
    }

    private final Output handOut = new Output(2048);
    private int payloadId;

    @Benchmark
    public int encodeByHand() {
        BenchMsg.Payload m = new BenchMsg.Payload(seq++, message.bytes());
        handOut.setPosition(0);
        handOut.writeVarInt(payloadId + 2, true);
        handOut.writeVarInt(m.bytes().length + 1, true);
        handOut.writeBytes(m.bytes());
        handOut.writeVarLong(m.seq(), false);
        return handOut.position();
    }

    @Benchmark
    public int encode() {
        target.clear();
        kryo.toBinary(new BenchMsg.Payload(seq++, message.bytes()), target);
        return target.position();
    }
}
