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
 * Fan-in: {@code senders} actors each send {@code messagesPerSender} messages to one receiver as fast
 * as they can. The receiver's mailbox is the contention point (many producers, one consumer), and
 * the receiver must be kept running while the senders compete for the same cores.
 *
 * <p>A sender sends {@link #BATCH} messages per turn, then sends itself a message to continue: like a
 * BEAM process running out of reductions, it yields its thread so that the receiver and the other
 * senders are scheduled, instead of one sender's loop holding a thread for all its messages.
 *
 * <p>Reported: messages per second at the receiver, from the harness starting the senders to the
 * receiver taking the last message.
 */
final class FanInScenario implements Scenario {

    /** Messages a sender sends per turn before yielding. */
    static final int BATCH = 100;

    private static final List<Metric> METRICS = List.of(Metric.higherIsBetter("throughput", "msg/s"));

    private final int senders;
    private final int messagesPerSender;

    FanInScenario(int senders, int messagesPerSender) {
        if (senders < 1 || messagesPerSender < 1) {
            throw new IllegalArgumentException("fan-in needs senders >= 1 and messages >= 1");
        }
        if ((long) senders * messagesPerSender > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fan-in's senders*messages must fit an int");
        }
        this.senders = senders;
        this.messagesPerSender = messagesPerSender;
    }

    @Override
    public String name() {
        return "fan-in";
    }

    @Override
    public String parameters() {
        return "senders=" + senders + " messages=" + messagesPerSender;
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    public double[] run(ActorSystem<Guardian.Command> system) throws InterruptedException {
        int total = senders * messagesPerSender;
        CountDownLatch done = new CountDownLatch(1);
        List<ActorRef<SendBatch>> senderRefs = Waits.await(Guardian.call(system, context -> {
            ActorRef<Hit> receiver = context.spawnAnonymous(Receiver.create(total, done));
            List<ActorRef<SendBatch>> spawned = new ArrayList<>(senders);
            for (int i = 0; i < senders; i++) {
                spawned.add(context.spawnAnonymous(Sender.create(receiver, messagesPerSender)));
            }
            return spawned;
        }), "spawning the fan-in actors");

        long start = System.nanoTime();
        for (ActorRef<SendBatch> sender : senderRefs) {
            sender.tell(SendBatch.SEND_BATCH);
        }
        Waits.await(done, "fan-in");
        long elapsed = System.nanoTime() - start;

        return new double[] {total * 1e9 / elapsed};
    }

    /** The one message a receiver counts. */
    enum Hit { HIT }

    /** Starts a sender, and continues it after each batch. */
    enum SendBatch { SEND_BATCH }

    private static final class Receiver extends AbstractBehavior<Hit> {
        private final int expected;
        private final CountDownLatch done;
        private int received;

        static Behavior<Hit> create(int expected, CountDownLatch done) {
            return Behaviors.setup(context -> new Receiver(context, expected, done));
        }

        private Receiver(ActorContext<Hit> context, int expected, CountDownLatch done) {
            super(context);
            this.expected = expected;
            this.done = done;
        }

        @Override
        public Receive<Hit> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Hit.class, hit -> {
                        if (++received == expected) {
                            done.countDown();
                        }
                        return this;
                    })
                    .build();
        }
    }

    private static final class Sender extends AbstractBehavior<SendBatch> {
        private final ActorRef<Hit> receiver;
        private int remaining;

        static Behavior<SendBatch> create(ActorRef<Hit> receiver, int messages) {
            return Behaviors.setup(context -> new Sender(context, receiver, messages));
        }

        private Sender(ActorContext<SendBatch> context, ActorRef<Hit> receiver, int messages) {
            super(context);
            this.receiver = receiver;
            this.remaining = messages;
        }

        @Override
        public Receive<SendBatch> createReceive() {
            return newReceiveBuilder()
                    .onMessage(SendBatch.class, batch -> {
                        int count = Math.min(BATCH, remaining);
                        for (int i = 0; i < count; i++) {
                            receiver.tell(Hit.HIT);
                        }
                        remaining -= count;
                        if (remaining > 0) {
                            getContext().getSelf().tell(SendBatch.SEND_BATCH);
                        }
                        return this;
                    })
                    .build();
        }
    }
}
