package dev.lingon.bench.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Ping-pong: {@code pairs} independent pairs, each a pinger and a ponger exchanging one message at a
 * time, {@code roundTrips} round trips per pair. Every message finds its receiver idle, so each one
 * costs a full schedule (enqueue, wake, run, return the thread): this is the scheduler's latency
 * path. With more pairs than cores it also shows how the scheduler spreads independent work.
 *
 * <p>Reported: messages per second over all pairs (two messages per round trip), from the moment the
 * harness starts the pingers to the moment the last pair finishes.
 */
final class PingPongScenario implements Scenario {

    private static final List<Metric> METRICS = List.of(Metric.higherIsBetter("throughput", "msg/s"));

    private final int pairs;
    private final int roundTrips;

    PingPongScenario(int pairs, int roundTrips) {
        if (pairs < 1 || roundTrips < 1) {
            throw new IllegalArgumentException("ping-pong needs pairs >= 1 and round trips >= 1");
        }
        this.pairs = pairs;
        this.roundTrips = roundTrips;
    }

    @Override
    public String name() {
        return "ping-pong";
    }

    @Override
    public String parameters() {
        return "pairs=" + pairs + " round-trips=" + roundTrips;
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    public double[] run(ActorSystem<Guardian.Command> system) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(pairs);
        List<ActorRef<PingerMessage>> pingers = Waits.await(Guardian.call(system, context -> {
            List<ActorRef<PingerMessage>> spawned = new ArrayList<>(pairs);
            for (int i = 0; i < pairs; i++) {
                ActorRef<Ping> ponger = context.spawnAnonymous(PONGER);
                spawned.add(context.spawnAnonymous(Pinger.create(ponger, roundTrips, done)));
            }
            return spawned;
        }), "spawning the ping-pong pairs");

        long start = System.nanoTime();
        for (ActorRef<PingerMessage> pinger : pingers) {
            pinger.tell(Start.START);
        }
        Waits.await(done, "ping-pong");
        long elapsed = System.nanoTime() - start;

        double messages = 2.0 * roundTrips * pairs;
        return new double[] {messages * 1e9 / elapsed};
    }

    /** What a pinger receives. */
    sealed interface PingerMessage permits Start, Pong {
    }

    enum Start implements PingerMessage { START }

    enum Pong implements PingerMessage { PONG }

    /** What a ponger receives; the pinger allocates its {@code Ping} once and reuses it. */
    record Ping(ActorRef<PingerMessage> replyTo) {
    }

    /** Answers every ping; stateless, so one behavior serves every ponger. */
    private static final Behavior<Ping> PONGER = Behaviors.receiveMessage(ping -> {
        ping.replyTo().tell(Pong.PONG);
        return Behaviors.same();
    });

    /** Sends a ping, waits for the pong, {@code roundTrips} times, then counts down {@code done}. */
    private static final class Pinger extends AbstractBehavior<PingerMessage> {
        private final ActorRef<Ping> ponger;
        private final Ping ping;
        private final CountDownLatch done;
        private int remaining;

        static Behavior<PingerMessage> create(ActorRef<Ping> ponger, int roundTrips, CountDownLatch done) {
            return Behaviors.setup(context -> new Pinger(context, ponger, roundTrips, done));
        }

        private Pinger(ActorContext<PingerMessage> context, ActorRef<Ping> ponger, int roundTrips,
                       CountDownLatch done) {
            super(context);
            this.ponger = ponger;
            this.ping = new Ping(context.getSelf());
            this.done = done;
            this.remaining = roundTrips;
        }

        @Override
        public Receive<PingerMessage> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Start.class, start -> {
                        ponger.tell(ping);
                        return this;
                    })
                    .onMessage(Pong.class, pong -> {
                        if (--remaining == 0) {
                            done.countDown();
                        } else {
                            ponger.tell(ping);
                        }
                        return this;
                    })
                    .build();
        }
    }
}
