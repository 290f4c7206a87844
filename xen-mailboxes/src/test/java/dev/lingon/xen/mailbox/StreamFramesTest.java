package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.mailbox.CrossDomain.Numbered;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * AGAIN frames: a stream of messages between the same two actors costs one DELIVER header, then one
 * byte per message; whenever the recipient, the sender or the serializer changes a full DELIVER goes
 * again, so every message still reaches the right actor from the right sender; and an AGAIN with
 * nothing before it is a malformed frame.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class StreamFramesTest {
    final TwoDomains x;

    StreamFramesTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    @Test
    void aStreamBetweenTheSameTwoActorsCarriesItsHeaderOnce() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        AtomicLong got = new AtomicLong();
        ActorRef<CrossDomain> sink = MailboxTestSupport.spawn(b, Behaviors.<CrossDomain>receive(CrossDomain.class)
                .onMessage(Numbered.class, n -> {
                    if (n.seq() == got.get()) {
                        got.incrementAndGet();
                    }
                    return Behaviors.same();
                }).build(), "a-sink-with-a-name-long-enough-to-matter");
        b.mailboxes().register("sink", sink).orThrow();
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "sink").orThrow();
        remote.tell(new Numbered(0, 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.get() == 1);
        long before = XenMailboxesTestAccess.bytesWritten(a.mailboxes(), b.domid());

        int n = 1_000;
        for (int i = 1; i <= n; i++) {
            remote.tell(new Numbered(0, i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.get() == n + 1);
        long perMessage = (XenMailboxesTestAccess.bytesWritten(a.mailboxes(), b.domid()) - before) / n;
        // A Numbered payload is a few bytes; a full DELIVER header would add the recipient's path
        // (with its uid) on top. The stream's frames are the 4-byte length, the kind, and the payload.
        assertTrue(perMessage <= 16, "bytes per message in a stream: " + perMessage);
    }

    /** A classic actor that records, per message, its sequence number and the name of its sender. */
    static final class Recorder extends AbstractActor {
        final String name;
        final List<String> log;

        Recorder(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Numbered.class, m -> log.add(m.seq() + " " + name + " from " + getSender().path().name())).build();
        }
    }

    @Test
    void whenTheRecipientOrTheSenderChangesEachMessageStillReachesTheRightActorFromTheRightSender() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        List<String> log = new CopyOnWriteArrayList<>();
        // Classic actors, which see the envelope sender; system actors, since the user guardian is typed.
        var classicB = (org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(b.system());
        var r1 = classicB.systemActorOf(Props.create(Recorder.class, () -> new Recorder("r1", log)), "r1");
        var r2 = classicB.systemActorOf(Props.create(Recorder.class, () -> new Recorder("r2", log)), "r2");
        b.mailboxes().register("r1", Adapter.toTyped(r1)).orThrow();
        b.mailboxes().register("r2", Adapter.toTyped(r2)).orThrow();
        var classicA = (org.apache.pekko.actor.ExtendedActorSystem) Adapter.toClassic(a.system());
        var s1 = classicA.systemActorOf(Props.create(Recorder.class, () -> new Recorder("s1", new CopyOnWriteArrayList<>())), "s1");
        var s2 = classicA.systemActorOf(Props.create(Recorder.class, () -> new Recorder("s2", new CopyOnWriteArrayList<>())), "s2");
        var toR1 = Adapter.toClassic(a.mailboxes().<CrossDomain>lookup(b.domid(), "r1").orThrow());
        var toR2 = Adapter.toClassic(a.mailboxes().<CrossDomain>lookup(b.domid(), "r2").orThrow());

        int n = 600;
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Runs of different lengths for recipient and sender, so their changes fall out of step.
            boolean toFirst = (i / 3) % 2 == 0;
            boolean fromFirst = i % 5 < 2;
            (toFirst ? toR1 : toR2).tell(new Numbered(0, i), fromFirst ? s1 : s2);
            expected.add(i + " " + (toFirst ? "r1" : "r2") + " from " + (fromFirst ? "s1" : "s2"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> log.size() == n);
        List<String> sorted = log.stream().sorted(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.split(" ")[0]))).toList();
        assertEquals(expected, sorted);
    }

    @Test
    void anAgainFrameWithNoDeliverBeforeItIsMalformedAndClosesTheChannel() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        ActorRef<CrossDomain> sink = MailboxTestSupport.spawn(a, Behaviors.ignore(), "sink");
        a.mailboxes().register("sink", sink).orThrow();
        // Looking the actor up opens beta's channel to alpha; nothing has been delivered on it yet.
        b.mailboxes().<CrossDomain>lookup(a.domid(), "sink").orThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> XenMailboxesTestAccess.writeRaw(b.mailboxes(), a.domid(), new byte[] {WireFrame.AGAIN, 1, 2, 3}));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.mailboxes().stats().stream()
                .anyMatch(s -> s.peerDomid() == b.domid() && s.state().equals("closed") && s.malformedFrames() == 1));
    }

    @Test
    void anAgainFrameWhoseMessageCannotBeReadClosesOnlyItsChannel() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        TwoDomains.Dom c = x.boot("gamma");
        List<String> got = new CopyOnWriteArrayList<>();
        ActorRef<CrossDomain> sink = MailboxTestSupport.spawn(a, Behaviors.receiveMessage(m -> {
            got.add(m.toString());
            return Behaviors.same();
        }), "sink");
        a.mailboxes().register("sink", sink).orThrow();
        ActorRef<CrossDomain> fromB = b.mailboxes().<CrossDomain>lookup(a.domid(), "sink").orThrow();
        ActorRef<CrossDomain> fromC = c.mailboxes().<CrossDomain>lookup(a.domid(), "sink").orThrow();
        // A real message first, so the stream's recipient and serializer are known and the next AGAIN
        // frame takes the reader's direct path; then an AGAIN whose bytes are not a message.
        fromB.tell(new Numbered(0, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> XenMailboxesTestAccess.writeRaw(b.mailboxes(), a.domid(),
                new byte[] {WireFrame.AGAIN, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.mailboxes().stats().stream()
                .anyMatch(s -> s.peerDomid() == b.domid() && s.state().equals("closed") && s.malformedFrames() == 1));
        fromC.tell(new Numbered(0, 2));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertTrue(a.mailboxes().stats().stream().anyMatch(s -> s.peerDomid() == c.domid() && !s.state().equals("closed")),
                "gamma's channel stays open: " + a.mailboxes().stats());
    }
}
