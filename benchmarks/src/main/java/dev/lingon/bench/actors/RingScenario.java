package dev.lingon.bench.actors;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The ring (Armstrong's "Programming Erlang" exercise): {@code n} actors, each forwarding a token to
 * the next, the token going {@code m} times around, so {@code n*m} hops. Only one actor is runnable at
 * a time, so the figure is the cost of one send-and-schedule hop; with a large ring every hop also
 * touches a different actor's memory, which shows cache and mailbox footprint.
 *
 * <p>Reported separately: the ring's creation time (spawn n actors, close the ring, until every one
 * of them has started) and the hop rate (from the harness sending the token to its last hop).
 *
 * <p>How the ring closes: node 0 is spawned first, waiting for a {@link Link}; nodes n-1 … 1 are then
 * spawned each knowing its successor (node n-1's is node 0), and node 0 is linked to node 1. Every
 * node counts down {@code started} once it runs: nodes 1 … n-1 in their set-up, node 0 when it is
 * linked, so the latch reaching zero means the whole ring exists and is closed.
 */
final class RingScenario implements Scenario {

    private static final List<Metric> METRICS = List.of(
            Metric.higherIsBetter("throughput", "hops/s"),
            Metric.lowerIsBetter("creation", "ms"));

    private final int size;
    private final int laps;

    RingScenario(int size, int laps) {
        if (size < 2 || laps < 1) {
            throw new IllegalArgumentException("a ring needs n >= 2 actors and m >= 1 laps");
        }
        if ((long) size * laps > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a ring's n*m must fit an int, got " + size + "*" + laps);
        }
        this.size = size;
        this.laps = laps;
    }

    @Override
    public String name() {
        return "ring";
    }

    @Override
    public String parameters() {
        return "n=" + size + " m=" + laps;
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    public double[] run(ActorSystem<Guardian.Command> system) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(size);
        CountDownLatch done = new CountDownLatch(1);

        long creationStart = System.nanoTime();
        ActorRef<RingMessage> first = Waits.await(Guardian.call(system, context -> {
            ActorRef<RingMessage> head = context.spawnAnonymous(awaitingLink(started, done));
            ActorRef<RingMessage> next = head;
            for (int i = size - 1; i >= 1; i--) {
                next = context.spawnAnonymous(node(next, started, done));
            }
            head.tell(new Link(next));
            return head;
        }), "spawning the ring");
        Waits.await(started, "ring creation");
        long creation = System.nanoTime() - creationStart;

        int hops = size * laps;
        long hopsStart = System.nanoTime();
        first.tell(new Token(hops));
        Waits.await(done, "ring token");
        long elapsed = System.nanoTime() - hopsStart;

        return new double[] {hops * 1e9 / elapsed, creation / 1e6};
    }

    sealed interface RingMessage permits Token, Link {
    }

    /** The token, with the hops still to go; the node that receives 0 ends the run. */
    record Token(int remaining) implements RingMessage {
    }

    /** Closes the ring: tells node 0 its successor. */
    record Link(ActorRef<RingMessage> next) implements RingMessage {
    }

    private static Behavior<RingMessage> node(ActorRef<RingMessage> next, CountDownLatch started,
                                              CountDownLatch done) {
        return Behaviors.setup(context -> {
            started.countDown();
            return forwarding(next, done);
        });
    }

    private static Behavior<RingMessage> awaitingLink(CountDownLatch started, CountDownLatch done) {
        return Behaviors.receiveMessage(message -> switch (message) {
            case Link link -> {
                started.countDown();
                yield forwarding(link.next(), done);
            }
            case Token _ -> throw new IllegalStateException("token reached node 0 before the ring closed");
        });
    }

    private static Behavior<RingMessage> forwarding(ActorRef<RingMessage> next, CountDownLatch done) {
        return Behaviors.receiveMessage(message -> switch (message) {
            case Token token -> {
                if (token.remaining() == 0) {
                    done.countDown();
                } else {
                    next.tell(new Token(token.remaining() - 1));
                }
                yield Behaviors.same();
            }
            case Link _ -> throw new IllegalStateException("a ring node is linked only once");
        });
    }
}
