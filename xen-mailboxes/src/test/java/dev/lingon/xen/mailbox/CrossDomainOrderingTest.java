package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.mailbox.CrossDomain.Count;
import dev.lingon.xen.mailbox.CrossDomain.Counted;
import dev.lingon.xen.mailbox.CrossDomain.Numbered;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Per sender–receiver FIFO across domains, with nothing invented, lost or duplicated: a million
 * messages from one sender, then several senders at once, each checked in order and by checksum.
 * Senders respect back-pressure the way an application would: they keep at most a window of
 * unacknowledged messages in flight (beyond the channel's pending bound a ring-full channel drops to
 * dead letters, which {@link RingFullTest} pins down).
 */
@ParameterizedClass
@EnumSource(Backend.class)
class CrossDomainOrderingTest {
    static final int MILLION = Integer.getInteger("lingon.stress.crossDomainMessages", 1_000_000);

    /** Messages a sender lets run ahead of the receiver's acknowledgement. */
    static final int WINDOW = 4_000;
    final TwoDomains x;

    CrossDomainOrderingTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    /** Checks each sender's sequence numbers arrive 0, 1, 2 … and sums a checksum of everything. */
    static Behavior<CrossDomain> checker(int senders) {
        return Behaviors.setup(ctx -> {
            long[] next = new long[senders];
            long[] count = {0};
            long[] checksum = {0};
            return Behaviors.receive(CrossDomain.class)
                    .onMessage(Numbered.class, n -> {
                        if (n.seq() != next[n.sender()]) {
                            throw new IllegalStateException("sender " + n.sender() + ": expected " + next[n.sender()] + " got " + n.seq());
                        }
                        next[n.sender()]++;
                        count[0]++;
                        checksum[0] = checksum[0] * 31 + n.seq() * (n.sender() + 1);
                        return Behaviors.same();
                    })
                    .onMessage(Count.class, c -> {
                        c.replyTo().tell(new Counted(count[0], checksum[0]));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    static Counted count(TwoDomains.Dom from, ActorRef<CrossDomain> checker) {
        return AskPattern.<CrossDomain, Counted>ask(checker, Count::new, Duration.ofSeconds(30), from.system().scheduler())
                .toCompletableFuture().join();
    }

    @Test
    void aMillionMessagesArriveInOrderWithTheRightChecksum() {
        TwoDomains.Dom a = x.boot("sender");
        TwoDomains.Dom b = x.boot("receiver");
        ActorRef<CrossDomain> checker = MailboxTestSupport.spawn(b, checker(1), "checker");
        b.mailboxes().register("checker", checker).orThrow();
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "checker").orThrow();
        long expected = 0;
        for (int i = 0; i < MILLION; i++) {
            remote.tell(new Numbered(0, i));
            expected = expected * 31 + i;
            if ((i + 1) % WINDOW == 0) {
                long sentSoFar = i + 1;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> count(a, remote).messages() >= sentSoFar - WINDOW);
            }
        }
        long want = expected;
        await().atMost(Duration.ofSeconds(120)).until(() -> count(a, remote).messages() == MILLION);
        assertEquals(new Counted(MILLION, want), count(a, remote));
        ChannelStats s = a.mailboxes().stats().getFirst();
        assertEquals(0, s.droppedRingFull() + s.droppedClosed() + s.droppedTooLarge() + s.serializationFailures(), s.toString());
    }

    @Test
    void concurrentSendersEachKeepTheirOrder() throws Exception {
        int senders = 4;
        int each = MILLION / 10;
        TwoDomains.Dom a = x.boot("senders");
        TwoDomains.Dom b = x.boot("receiver");
        ActorRef<CrossDomain> checker = MailboxTestSupport.spawn(b, checker(senders), "checker");
        b.mailboxes().register("checker", checker).orThrow();
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "checker").orThrow();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            Future<?>[] fs = new Future<?>[senders];
            for (int s = 0; s < senders; s++) {
                int sender = s;
                fs[s] = pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        remote.tell(new Numbered(sender, i));
                        if ((i + 1) % (WINDOW / senders) == 0) {
                            long floor = (long) (i + 1 - WINDOW / senders) * senders;
                            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> count(a, remote).messages() >= floor);
                        }
                    }
                });
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> count(a, remote).messages() == (long) senders * each);
    }
}
