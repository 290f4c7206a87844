package dev.lingon.scheduler.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.EventPending;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.SchedulerMetrics;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * No lost wake-up in the kernel: storms of event-channel sends and of tells from host threads, with
 * the vCPUs going idle and blocking between bursts, all end with every last event and message seen.
 */
class KernelWakeupStressTest {
    static final int SENDS = Integer.getInteger("lingon.stress.kernelSends", 100_000);
    static final int TELLS = Integer.getInteger("lingon.stress.kernelTells", 200_000);

    @Test
    void aSendStormFromAnotherDomainEndsWithTheLastEventSeen() throws Exception {
        try (KernelTestSupport k = new KernelTestSupport("storm", KernelConfig.vcpus(2).withSpinNanos(1_000))) {
            XenDomain peer = k.hv.domain(k.hv.createDomain(DomainConfig.named("sender")).orThrow()).orElseThrow();
            int local = k.domain.evtchn().allocUnbound(peer.domid()).orThrow();
            int remote = peer.evtchn().bindInterdomain(k.domain.domid(), local).orThrow();
            AtomicLong published = new AtomicLong();
            AtomicLong seen = new AtomicLong();
            AtomicLong events = new AtomicLong();
            CompletableFuture<ActorRef<EventPending>> ref = new CompletableFuture<>();
            ActorSystem<Object> system = k.system(Behaviors.setup(ctx -> {
                ref.complete(ctx.spawn(Behaviors.<EventPending>receiveMessage(e -> {
                    events.incrementAndGet();
                    seen.accumulateAndGet(published.get(), Math::max);
                    return Behaviors.same();
                }), "sink"));
                return Behaviors.empty();
            }));
            k.kernel.bind(local, ref.join());
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> sender = pool.submit(() -> {
                    for (int i = 1; i <= SENDS; i++) {
                        published.set(i);
                        peer.evtchn().send(remote);
                        if (i % 1000 == 0) {
                            // Let the kernel drain and go back to sleep, so later sends must wake it.
                            long target = i;
                            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(30))
                                    .until(() -> seen.get() >= target);
                        }
                    }
                });
                sender.get(60, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.get() == SENDS);
            } finally {
                pool.shutdownNow();
            }
            SchedulerMetrics m = k.kernel.metrics();
            assertTrue(events.get() <= SENDS, "events merge, never multiply");
            assertTrue(m.vcpus().stream().mapToLong(v -> v.blocks()).sum() > 0, "the vCPUs did sleep between bursts: " + m);
            KernelTestSupport.terminate(system);
        }
    }

    @Test
    void tellsFromHostThreadsAllArriveWhileTheKernelSleepsAndWakes() throws Exception {
        try (KernelTestSupport k = new KernelTestSupport("tells", KernelConfig.vcpus(2).withSpinNanos(1_000))) {
            AtomicLong received = new AtomicLong();
            CompletableFuture<ActorRef<Integer>> ref = new CompletableFuture<>();
            ActorSystem<Object> system = k.system(Behaviors.setup(ctx -> {
                ref.complete(ctx.spawn(Behaviors.<Integer>receiveMessage(i -> {
                    received.incrementAndGet();
                    return Behaviors.same();
                }), "counter"));
                return Behaviors.empty();
            }));
            ActorRef<Integer> counter = ref.join();
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                Future<?>[] fs = new Future<?>[threads];
                for (int t = 0; t < threads; t++) {
                    fs[t] = pool.submit(() -> {
                        for (int i = 0; i < TELLS / threads; i++) {
                            counter.tell(i);
                        }
                    });
                }
                for (Future<?> f : fs) {
                    f.get(60, TimeUnit.SECONDS);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> received.get() == (long) (TELLS / threads) * threads);
            } finally {
                pool.shutdownNow();
            }
            KernelTestSupport.terminate(system);
        }
    }
}
