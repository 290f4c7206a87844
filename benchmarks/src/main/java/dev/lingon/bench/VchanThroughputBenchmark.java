package dev.lingon.bench;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.vchan.FramedVchan;
import dev.lingon.xen.vchan.ReceiveResult;
import dev.lingon.xen.vchan.Vchan;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One-way frame throughput between two threads: a producer in one domain writing frames into a vchan
 * ring on pages granted to it, and a consumer in another domain reading them, beside the same hand-off
 * through a {@code java.util.concurrent} queue and through Agrona's {@code OneToOneRingBuffer}, with
 * the same payload copied in and out. Both sides spin when the ring is full or empty (no waking here;
 * see {@link EventWakeupLatencyBenchmark}). Each group reports produced and consumed frames per second.
 * Agrona 2.x reads {@code jdk.internal.misc.Unsafe}, hence the export in the fork's arguments.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar VchanThroughput</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkryo.unsafe=false",
        "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
@State(Scope.Group)
public class VchanThroughputBenchmark {
    /** Both rings hold 64 KiB: the vchan at order 16, Agrona's with the same capacity. */
    static final int RING_BYTES = 1 << 16;

    @Param({"64", "1024"})
    int frameBytes;

    Hypervisor hv;
    FramedVchan producer;
    FramedVchan consumer;
    MemorySegment payload;

    ArrayBlockingQueue<byte[]> queue;
    byte[] payloadArray;

    OneToOneRingBuffer agrona;
    UnsafeBuffer agronaSource;

    @Setup(Level.Trial)
    public void setup() {
        hv = Hypervisors.inProcess();
        XenDomain a = hv.domain(hv.createDomain(DomainConfig.named("producer")).orThrow()).orElseThrow();
        XenDomain b = hv.domain(hv.createDomain(DomainConfig.named("consumer")).orThrow()).orElseThrow();
        String path = "/local/domain/" + a.domid() + "/data/vchan/bench";
        // The server writes the right ring: make that one 64 KiB.
        producer = new FramedVchan(Vchan.server(a, b.domid(), path, 1024, RING_BYTES).orThrow());
        consumer = new FramedVchan(Vchan.client(b, a.domid(), path).orThrow());
        payloadArray = new byte[frameBytes];
        for (int i = 0; i < frameBytes; i++) {
            payloadArray[i] = (byte) i;
        }
        payload = MemorySegment.ofArray(payloadArray);

        queue = new ArrayBlockingQueue<>(RING_BYTES / frameBytes);

        agrona = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
        agronaSource = new UnsafeBuffer(payloadArray);
    }

    @TearDown(Level.Trial)
    public void teardown() {
        hv.close();
    }

    // ------------------------------------------------------------------ Lingon vchan

    @Benchmark
    @Group("vchan")
    @GroupThreads(1)
    public void vchanProduce(Control control) {
        while (!producer.trySend(payload, 0, frameBytes).isSent()) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("vchan")
    @GroupThreads(1)
    public void vchanConsume(Control control, Blackhole bh) {
        while (!(consumer.tryReceive((seg, len) -> bh.consume(seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, len - 1))) instanceof ReceiveResult.Received)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    // ------------------------------------------------------------------ baseline: java.util.concurrent

    @Benchmark
    @Group("jucQueue")
    @GroupThreads(1)
    public void jucProduce(Control control) {
        byte[] copy = payloadArray.clone();
        while (!queue.offer(copy)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("jucQueue")
    @GroupThreads(1)
    public void jucConsume(Control control, Blackhole bh) {
        byte[] m;
        while ((m = queue.poll()) == null) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        bh.consume(m[m.length - 1]);
    }

    // ------------------------------------------------------------------ baseline: Agrona OneToOneRingBuffer

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaProduce(Control control) {
        while (!agrona.write(1, agronaSource, 0, frameBytes)) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Benchmark
    @Group("agrona")
    @GroupThreads(1)
    public void agronaConsume(Control control, Blackhole bh) {
        while (agrona.read((type, buf, index, length) -> bh.consume(buf.getByte(index + length - 1)), 1) == 0) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
    }
}
