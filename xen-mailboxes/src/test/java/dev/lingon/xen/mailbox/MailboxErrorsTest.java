package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.mailbox.CrossDomain.Blob;
import dev.lingon.xen.mailbox.CrossDomain.Ping;
import dev.lingon.xen.mailbox.CrossDomain.Pong;

import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;

/** What cannot cross, and what a malformed frame does: clear errors, and only the one channel closes. */
@ParameterizedClass
@EnumSource(Backend.class)
class MailboxErrorsTest {
    final TwoDomains x;

    MailboxErrorsTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    @Test
    void anUnregisteredMessageTypeIsDroppedWithAnErrorNamingTheClassAndHowToRegisterIt() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        ActorRef<Object> sink = MailboxTestSupport.spawn(b, Behaviors.ignore(), "sink");
        b.mailboxes().register("sink", sink).orThrow();
        List<Dropped> dropped = MailboxTestSupport.dropped(a);
        ActorRef<Object> remote = a.mailboxes().<Object>lookup(b.domid(), "sink").orThrow();
        remote.tell(new NotRegistered("nope"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !dropped.isEmpty());
        String reason = dropped.getFirst().reason();
        assertTrue(reason.contains(NotRegistered.class.getName()), reason);
        assertTrue(reason.contains("lingon.serialization.kryo"), "says how to register: " + reason);
        assertEquals(1, a.mailboxes().stats().getFirst().serializationFailures());
    }

    @Test
    void aMessageLargerThanTheRingIsRefusedWithTheReason() {
        MailboxSettings s = MailboxSettings.DEFAULTS.withRingBytes(4096);
        TwoDomains.Dom a = x.boot("alpha", s);
        TwoDomains.Dom b = x.boot("beta", s);
        ActorRef<CrossDomain> sink = MailboxTestSupport.spawn(b, Behaviors.ignore(), "sink");
        b.mailboxes().register("sink", sink).orThrow();
        List<Dropped> dropped = MailboxTestSupport.dropped(a);
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "sink").orThrow();
        remote.tell(new Blob(new byte[10_000]));
        await().atMost(Duration.ofSeconds(10)).until(() -> !dropped.isEmpty());
        assertTrue(dropped.getFirst().reason().contains("does not fragment"), dropped.getFirst().reason());
        assertEquals(1, a.mailboxes().stats().getFirst().droppedTooLarge());
    }

    @Test
    void aMalformedFrameClosesOnlyItsChannelAndTheDomainGoesOn() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        TwoDomains.Dom c = x.boot("gamma");
        ActorRef<CrossDomain> ponger = MailboxTestSupport.spawn(a, Behaviors.<CrossDomain>receive(CrossDomain.class)
                .onMessage(Ping.class, p -> {
                    p.replyTo().tell(new Pong(p.n(), "alpha"));
                    return Behaviors.same();
                }).build(), "ponger");
        a.mailboxes().register("ponger", ponger).orThrow();
        ActorRef<CrossDomain> fromB = b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow();
        ActorRef<CrossDomain> fromC = c.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow();
        assertEquals(1, ask(b, fromB, 1).n());
        assertEquals(2, ask(c, fromC, 2).n());

        // beta writes a frame of an unknown kind onto its channel to alpha.
        assertTrue(XenMailboxesTestAccess.writeRaw(b.mailboxes(), a.domid(), new byte[] {99, 1, 2, 3}));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.mailboxes().stats().stream()
                .anyMatch(s -> s.peerDomid() == b.domid() && s.state().equals("closed") && s.malformedFrames() == 1));

        assertEquals(3, ask(c, fromC, 3).n(), "gamma's channel to alpha is untouched");
        assertEquals(4, ask(b, b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow(), 4).n(),
                "and beta can open a new channel to alpha");
    }

    static Pong ask(TwoDomains.Dom from, ActorRef<CrossDomain> to, int n) {
        return AskPattern.<CrossDomain, Pong>ask(to, r -> new Ping(n, r), Duration.ofSeconds(10), from.system().scheduler())
                .toCompletableFuture().join();
    }
}
