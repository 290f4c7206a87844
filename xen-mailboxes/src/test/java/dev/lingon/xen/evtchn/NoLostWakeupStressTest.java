package dev.lingon.xen.evtchn;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A send storm against a consumer that clears what is pending and blocks. The consumer only goes to
 * sleep after it has seen every sequence number published before its last scan, so if any wake-up
 * were lost it would sleep through the producer's final send and never finish: the assertion is that
 * it finishes, having seen the last sequence number. The deadline only turns a hang into a failure.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class NoLostWakeupStressTest {
    final Backend backend;

    NoLostWakeupStressTest(Backend backend) {
        this.backend = backend;
    }

    static final int STORM = Integer.getInteger("lingon.stress.sends", 300_000);
    static final int LOCKSTEP = Integer.getInteger("lingon.stress.lockstep", 20_000);

    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    int ap;
    int bp;
    ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeEach
    void boot() {
        hv = backend.start();
        a = hv.domain(hv.createDomain(DomainConfig.named("producer")).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("consumer")).orThrow()).orElseThrow();
        ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
    }

    @AfterEach
    void down() {
        pool.shutdownNow();
        hv.close();
    }

    long deadline() {
        return hv.clock().nanoTime() + TimeUnit.SECONDS.toNanos(60);
    }

    /** Upcall style: the port is unmasked, the consumer scans with drainPending and sleeps in SCHEDOP_block. */
    @Test
    void blockingConsumerSeesTheLastOfAStorm() throws Exception {
        AtomicLong published = new AtomicLong();
        long end = deadline();
        Future<long[]> consumer = pool.submit(() -> {
            long seen = 0;
            long deliveries = 0;
            while (seen < STORM) {
                long[] d = {0};
                b.evtchn().drainPending(0, port -> {
                    assertEquals(bp, port);
                    d[0]++;
                });
                deliveries += d[0];
                seen = published.get();
                if (seen >= STORM) {
                    break;
                }
                Wake w = b.sched().block(0, end);
                if (w != Wake.EVENT) {
                    fail("consumer woke with " + w + " having seen " + seen + " of " + STORM + ": a wake-up was lost");
                }
            }
            return new long[] {seen, deliveries};
        });
        Future<?> producer = pool.submit(() -> {
            for (int i = 1; i <= STORM; i++) {
                published.set(i);
                a.evtchn().send(ap);
            }
        });
        producer.get(60, TimeUnit.SECONDS);
        long[] r = consumer.get(60, TimeUnit.SECONDS);
        assertEquals(STORM, r[0]);
        assertTrue(r[1] >= 1 && r[1] <= STORM + 1L, "events merge, never multiply: " + r[1] + " deliveries for " + STORM + " sends");
    }

    /** LING style: the port is masked, the consumer sleeps in SCHEDOP_poll and clears the bit itself. */
    @Test
    void pollingConsumerSeesTheLastOfAStorm() throws Exception {
        b.evtchn().mask(bp);
        AtomicLong published = new AtomicLong();
        long end = deadline();
        int[] ports = {bp};
        Future<Long> consumer = pool.submit(() -> {
            long seen = 0;
            while (true) {
                b.evtchn().testAndClearPending(bp);
                seen = published.get();
                if (seen >= STORM) {
                    return seen;
                }
                Wake w = b.sched().poll(0, ports, end);
                if (w != Wake.EVENT) {
                    fail("consumer woke with " + w + " having seen " + seen + " of " + STORM + ": a wake-up was lost");
                }
            }
        });
        Future<?> producer = pool.submit(() -> {
            for (int i = 1; i <= STORM; i++) {
                published.set(i);
                a.evtchn().send(ap);
            }
        });
        producer.get(60, TimeUnit.SECONDS);
        assertEquals(STORM, consumer.get(60, TimeUnit.SECONDS));
    }

    /** Every send must wake a consumer that is (usually) asleep: the producer waits for each acknowledgement. */
    @Test
    void lockstepSendsEachWakeTheSleepingConsumer() throws Exception {
        AtomicLong published = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        int bBack = b.evtchn().allocUnbound(a.domid()).orThrow();
        int aBack = a.evtchn().bindInterdomain(b.domid(), bBack).orThrow();
        a.evtchn().mask(aBack);
        long end = deadline();
        Future<?> consumer = pool.submit(() -> {
            long done = 0;
            while (done < LOCKSTEP) {
                b.evtchn().drainPending(0, port -> { });
                long p = published.get();
                if (p > done) {
                    done = p;
                    acked.set(done);
                    b.evtchn().send(bBack);
                    continue;
                }
                assertEquals(Wake.EVENT, b.sched().block(0, end), "lost wake-up at " + done);
            }
        });
        Future<?> producer = pool.submit(() -> {
            int[] back = {aBack};
            for (int i = 1; i <= LOCKSTEP; i++) {
                published.set(i);
                a.evtchn().send(ap);
                while (acked.get() < i) {
                    assertEquals(Wake.EVENT, a.sched().poll(0, back, end), "lost acknowledgement at " + i);
                    a.evtchn().testAndClearPending(aBack);
                }
            }
        });
        producer.get(60, TimeUnit.SECONDS);
        consumer.get(60, TimeUnit.SECONDS);
        assertEquals(LOCKSTEP, acked.get());
    }
}
