package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.mailbox.CrossDomain.Numbered;

import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A full ring is back-pressure, never loss: while the receiving domain is paused its ring fills, the
 * sender's bounded pending queue fills, and every further message goes to dead letters with reason
 * "ring full" and is counted. Once the receiver runs again, everything that was not dropped arrives,
 * in order: delivered + dropped = sent.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RingFullTest {
    final TwoDomains x;

    RingFullTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    @Test
    void aFullRingQueuesThenDropsWithAReasonAndLosesNothingSilently() {
        MailboxSettings small = MailboxSettings.DEFAULTS.withRingBytes(1024).withPendingLimit(50);
        TwoDomains.Dom a = x.boot("sender", small);
        TwoDomains.Dom b = x.boot("receiver", small);
        List<Long> got = new CopyOnWriteArrayList<>();
        ActorRef<CrossDomain> sink = MailboxTestSupport.spawn(b, Behaviors.<CrossDomain>receiveMessage(m -> {
            if (m instanceof Numbered n) {
                got.add(n.seq());
            }
            return Behaviors.same();
        }), "sink");
        b.mailboxes().register("sink", sink).orThrow();
        List<Dropped> dropped = MailboxTestSupport.dropped(a);
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "sink").orThrow();
        // Open the channel and let it settle before stopping the receiver.
        remote.tell(new Numbered(0, -1));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);

        x.hv.pause(b.domain().handle());
        int sent = 500;
        for (int i = 0; i < sent; i++) {
            remote.tell(new Numbered(0, i));
        }
        ChannelStats s = a.mailboxes().stats().getFirst();
        assertEquals(50, s.pending(), "the pending queue holds exactly its bound: " + s);
        assertTrue(s.droppedRingFull() > 0, s.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> dropped.size() == a.mailboxes().stats().getFirst().droppedRingFull());
        assertTrue(dropped.getFirst().reason().startsWith("ring full"), dropped.getFirst().reason());
        assertInstanceOf(Numbered.class, dropped.getFirst().message());

        x.hv.unpause(b.domain().handle());
        long droppedCount = a.mailboxes().stats().getFirst().droppedRingFull();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() - 1 + droppedCount == sent);
        List<Long> delivered = got.subList(1, got.size());
        for (int i = 0; i < delivered.size(); i++) {
            assertEquals(i, delivered.get(i), "delivered in order, the first ones kept");
        }
        assertEquals(0, a.mailboxes().stats().getFirst().pending());
    }
}
