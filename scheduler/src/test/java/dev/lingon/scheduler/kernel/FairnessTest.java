package dev.lingon.scheduler.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.api.KernelConfig;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An actor that floods itself cannot starve another beyond its budget: on one vCPU, with throughput
 * 5, a message sent to a quiet actor is handled after at most one more slice of the flooder. The
 * message is sent from an actor on the same vCPU, so the flood count read at sending time is exact.
 */
class FairnessTest {
    static final int THROUGHPUT = 5;

    enum Tick { TICK }

    record Ping(long floodCountAtSend, CompletableFuture<Long> delay) {
    }

    record Relay(CompletableFuture<Long> delay) {
    }

    @Test
    void aFloodingActorDelaysAnotherByAtMostOneSlice() {
        try (KernelTestSupport k = new KernelTestSupport("fair", KernelConfig.vcpus(1).withThroughput(THROUGHPUT))) {
            AtomicLong flooded = new AtomicLong();
            CompletableFuture<ActorRef<Relay>> relayRef = new CompletableFuture<>();
            ActorSystem<Object> system = k.system(Behaviors.setup(ctx -> {
                ActorRef<Tick> flooder = ctx.spawn(Behaviors.<Tick>setup(fc -> Behaviors.receiveMessage(t -> {
                    flooded.incrementAndGet();
                    fc.getSelf().tell(Tick.TICK);
                    return Behaviors.same();
                })), "flooder");
                flooder.tell(Tick.TICK);
                ActorRef<Ping> quiet = ctx.spawn(Behaviors.<Ping>receiveMessage(p -> {
                    p.delay().complete(flooded.get() - p.floodCountAtSend());
                    return Behaviors.same();
                }), "quiet");
                relayRef.complete(ctx.spawn(Behaviors.<Relay>receiveMessage(r -> {
                    quiet.tell(new Ping(flooded.get(), r.delay()));
                    return Behaviors.same();
                }), "relay"));
                return Behaviors.empty();
            }));
            ActorRef<Relay> relay = relayRef.join();
            await().atMost(Duration.ofSeconds(10)).until(() -> flooded.get() > 10_000);
            long worst = 0;
            for (int i = 0; i < 200; i++) {
                CompletableFuture<Long> delay = new CompletableFuture<>();
                relay.tell(new Relay(delay));
                worst = Math.max(worst, delay.join());
            }
            assertTrue(worst <= THROUGHPUT, "the flooder handled " + worst + " messages while the quiet actor waited");
            KernelTestSupport.terminate(system);
        }
    }
}
