package dev.lingon.bench.cross;

import dev.lingon.bench.cross.BenchMsg.Ack;
import dev.lingon.bench.cross.BenchMsg.Payload;
import dev.lingon.bench.cross.BenchMsg.Ping;
import dev.lingon.bench.cross.BenchMsg.Pong;
import dev.lingon.bench.cross.BenchMsg.Start;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CompletableFuture;

/**
 * The two actors of every variant. The sender keeps at most {@code window} messages unacknowledged
 * (Artery and Xen mailboxes both drop beyond their queues, so an unthrottled flood would measure
 * drops); the receiver acknowledges every {@code ackEvery} messages.
 */
final class Actors {
    static final int ACK_EVERY = 256;

    private Actors() {
    }

    static Behavior<BenchMsg> receiver() {
        return receiver(false);
    }

    /**
     * With {@code copyOnReceipt}, the receiver copies every payload into a fresh array, as a receiver
     * in another domain must: what a transport that cost nothing would still leave to do.
     */
    static Behavior<BenchMsg> receiver(boolean copyOnReceipt) {
        return Behaviors.setup(ctx -> {
            byte[][] kept = {null};
            ActorRef<BenchMsg>[] sender = new ActorRef[1];
            long[] count = {0};
            long[] total = {0};
            return Behaviors.receive(BenchMsg.class)
                    .onMessage(Start.class, s -> {
                        sender[0] = s.sender();
                        total[0] = s.total();
                        count[0] = 0;
                        return Behaviors.same();
                    })
                    .onMessage(Payload.class, p -> {
                        if (copyOnReceipt) {
                            kept[0] = p.bytes().clone();
                        }
                        count[0]++;
                        if (count[0] % ACK_EVERY == 0 || count[0] == total[0]) {
                            sender[0].tell(new Ack(count[0]));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Ping.class, p -> {
                        p.replyTo().tell(new Pong(p.n()));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** A run of {@code total} payloads of {@code size} bytes; completes with the elapsed nanoseconds. */
    record Flood(ActorRef<BenchMsg> to, long total, int size, int window, CompletableFuture<Long> done) {
    }

    /** {@code rounds} ping-pongs, one at a time; completes with each round trip's nanoseconds. */
    record PingPong(ActorRef<BenchMsg> to, int rounds, CompletableFuture<long[]> done) {
    }

    static Behavior<Object> driver() {
        return Behaviors.setup(ctx -> {
            ActorRef<BenchMsg> self = ctx.getSelf().unsafeUpcast().narrow();
            Object[] state = new Object[1];
            long[] sent = {0};
            long[] acked = {0};
            long[] start = {0};
            long[] rttStart = {0};
            int[] round = {0};
            long[][] samples = {null};
            byte[][] payload = {null};
            return Behaviors.receive(Object.class)
                    .onMessage(Flood.class, f -> {
                        state[0] = f;
                        sent[0] = 0;
                        acked[0] = 0;
                        payload[0] = new byte[f.size()];
                        f.to().tell(new Start(self, f.total()));
                        start[0] = System.nanoTime();
                        while (sent[0] < f.total() && sent[0] - acked[0] < f.window()) {
                            f.to().tell(new Payload(sent[0]++, payload[0]));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Ack.class, a -> {
                        Flood f = (Flood) state[0];
                        acked[0] = a.upTo();
                        if (acked[0] >= f.total()) {
                            f.done().complete(System.nanoTime() - start[0]);
                            return Behaviors.same();
                        }
                        while (sent[0] < f.total() && sent[0] - acked[0] < f.window()) {
                            f.to().tell(new Payload(sent[0]++, payload[0]));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(PingPong.class, p -> {
                        state[0] = p;
                        round[0] = 0;
                        samples[0] = new long[p.rounds()];
                        rttStart[0] = System.nanoTime();
                        p.to().tell(new Ping(0, self));
                        return Behaviors.same();
                    })
                    .onMessage(Pong.class, pong -> {
                        PingPong p = (PingPong) state[0];
                        long now = System.nanoTime();
                        samples[0][round[0]++] = now - rttStart[0];
                        if (round[0] == p.rounds()) {
                            p.done().complete(samples[0]);
                            return Behaviors.same();
                        }
                        rttStart[0] = System.nanoTime();
                        p.to().tell(new Ping(round[0], self));
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
