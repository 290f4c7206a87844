package dev.lingon.xen.vchan;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.Wake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A producer and a consumer in two domains on two threads move a byte stream through a vchan at
 * every ring order libxenvchan allows (2^10 … 2^20 bytes), with chunk sizes drawn from a seeded
 * generator so writes and reads straddle the ring end in every way. Both sides keep a running CRC32C;
 * they must agree on every byte and its order. Nothing here depends on timing: each side waits on
 * the vchan's event channel, so a lost notification shows up as a wait that times out.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class VchanStressTest {
    final Backend backend;

    VchanStressTest(Backend backend) {
        this.backend = backend;
    }

    private static final Logger log = LoggerFactory.getLogger(VchanStressTest.class);
    /** Bytes per ring order; 11 orders × 10 MiB ≥ 100 MB by default. */
    static final long BYTES_PER_ORDER = Long.getLong("lingon.stress.vchanBytesPerOrder", 10L << 20);
    static final long SEED = Long.getLong("lingon.stress.seed", 20261126L);

    @Test
    void aHundredMegabytesCrossEveryRingOrderIntact() throws Exception {
        long total = 0;
        long start = System.nanoTime();
        for (int order = 10; order <= 20; order++) {
            total += moveAtOrder(order, SEED + order);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        log.info("vchan stress: {} MiB through orders 10..20 in {} ms", total >> 20, ms);
        assertTrue(total >= 100_000_000L || BYTES_PER_ORDER < (10L << 20), "moved " + total + " bytes");
    }

    private long moveAtOrder(int order, long seed) throws Exception {
        try (VchanTestSupport x = new VchanTestSupport(backend)) {
            int[] mins = VchanTestSupport.minsForServerWriteOrder(order);
            Vchan producer = x.server(mins[0], mins[1]);
            Vchan consumer = x.client();
            int ring = producer.writeRingSize();
            assertEquals(1 << order, ring);
            byte[] pattern = new byte[1 << 21];
            new SplittableRandom(seed).nextBytes(pattern);
            MemorySegment src = MemorySegment.ofArray(pattern);
            long deadline = x.hv.clock().nanoTime() + TimeUnit.SECONDS.toNanos(120);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Long> sent = pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5EED);
                    CRC32C crc = new CRC32C();
                    long done = 0;
                    while (done < BYTES_PER_ORDER) {
                        int want = (int) Math.min(BYTES_PER_ORDER - done, 1 + rnd.nextInt(Math.min(ring + ring / 2, pattern.length / 2)));
                        int off = (int) (done % (pattern.length / 2));
                        int n = producer.write(src, off, want);
                        assertTrue(n >= 0, "the consumer went away");
                        if (n == 0) {
                            assertEquals(Wake.EVENT, producer.awaitEvent(deadline), "producer lost a wake-up at " + done);
                            continue;
                        }
                        crc.update(pattern, off, n);
                        done += n;
                    }
                    return crc.getValue();
                });
                Future<Long> got = pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed ^ 0xC0DE);
                    CRC32C crc = new CRC32C();
                    byte[] buf = new byte[ring * 2];
                    MemorySegment dst = MemorySegment.ofArray(buf);
                    long done = 0;
                    while (done < BYTES_PER_ORDER) {
                        int want = (int) Math.min(BYTES_PER_ORDER - done, 1 + rnd.nextInt(buf.length));
                        int n = consumer.read(dst, 0, want);
                        assertTrue(n >= 0, "the producer went away");
                        if (n == 0) {
                            assertEquals(Wake.EVENT, consumer.awaitEvent(deadline), "consumer lost a wake-up at " + done);
                            continue;
                        }
                        crc.update(buf, 0, n);
                        done += n;
                    }
                    return crc.getValue();
                });
                long p = sent.get(180, TimeUnit.SECONDS);
                long c = got.get(180, TimeUnit.SECONDS);
                assertEquals(p, c, "CRC32C of what was written and what was read, order " + order + ", seed " + seed);
                assertEquals(0, consumer.read(new byte[1], 0, 1), "nothing extra arrived");
            } finally {
                pool.shutdownNow();
            }
            return BYTES_PER_ORDER;
        }
    }
}
