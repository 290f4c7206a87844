package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.mailbox.CrossDomain.Ping;
import dev.lingon.xen.mailbox.CrossDomain.Pong;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** Typed actor references across domains: found through XenStore, used with tell and ask, replyTo translated both ways. */
@ParameterizedClass
@EnumSource(Backend.class)
class CrossDomainMessagingTest {
    final TwoDomains x;

    CrossDomainMessagingTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    static Behavior<CrossDomain> ponger(String name) {
        return Behaviors.receive(CrossDomain.class)
                .onMessage(Ping.class, p -> {
                    p.replyTo().tell(new Pong(p.n(), name));
                    return Behaviors.same();
                })
                .build();
    }

    static <T> ActorRef<T> spawn(TwoDomains.Dom d, Behavior<T> b, String name) {
        CompletableFuture<ActorRef<T>> f = new CompletableFuture<>();
        d.system().systemActorOf(Behaviors.<Object>setup(ctx -> {
            f.complete(ctx.spawn(b, name));
            return Behaviors.empty();
        }), "spawner-" + name, org.apache.pekko.actor.typed.Props.empty());
        return f.join();
    }

    /** An actor in {@code d} that adds every Pong it gets to {@code got}. */
    static ActorRef<Pong> collector(TwoDomains.Dom d, List<Pong> got) {
        return spawn(d, Behaviors.<Pong>receiveMessage(p -> {
            got.add(p);
            return Behaviors.same();
        }), "collector");
    }

    @Test
    void anActorRegisteredInOneDomainIsFoundAndAskedFromAnother() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        ActorRef<CrossDomain> ponger = spawn(a, ponger("alpha"), "ponger");
        assertEquals(Errno.OK, a.mailboxes().register("ponger", ponger).errno());
        ActorRef<CrossDomain> remote = b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow();
        assertTrue(remote.path().toString().startsWith("lingon://alpha@dom" + a.domid()), remote.path().toString());
        Pong pong = AskPattern.<CrossDomain, Pong>ask(remote, reply -> new Ping(7, reply), Duration.ofSeconds(10),
                b.system().scheduler()).toCompletableFuture().join();
        assertEquals(new Pong(7, "alpha"), pong);
    }

    @Test
    void replyToRefsAreTranslatedInBothDirections() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        List<Pong> got = new CopyOnWriteArrayList<>();
        ActorRef<Pong> collector = collector(b, got);
        ActorRef<CrossDomain> ponger = spawn(a, ponger("alpha"), "ponger");
        a.mailboxes().register("ponger", ponger).orThrow();
        b.mailboxes().register("collector", collector).orThrow();
        ActorRef<CrossDomain> remotePonger = b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow();
        // Beta sends its collector across; alpha replies to it; the reply crosses back.
        for (int i = 0; i < 10; i++) {
            remotePonger.tell(new Ping(i, collector));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 10);
        for (int i = 0; i < 10; i++) {
            assertEquals(new Pong(i, "alpha"), got.get(i), "in order");
        }
        // And alpha can look beta's collector up and use it directly.
        ActorRef<Pong> remoteCollector = a.mailboxes().<Pong>lookup(b.domid(), "collector").orThrow();
        remoteCollector.tell(new Pong(99, "direct"));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 11);
        assertEquals(new Pong(99, "direct"), got.get(10));
    }

    @Test
    void aReplyToSeenBeforeItsChannelClosedIsResolvedOnTheNewChannel() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        List<Pong> got = new CopyOnWriteArrayList<>();
        ActorRef<Pong> collector = collector(b, got);
        a.mailboxes().register("ponger", spawn(a, ponger("alpha"), "ponger")).orThrow();
        b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow().tell(new Ping(1, collector));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);

        // Alpha has resolved (and cached) beta's collector as a proxy on its channel to beta. Every
        // channel between the two now closes (alpha writes a frame of an unknown kind on each).
        assertTrue(XenMailboxesTestAccess.writeRawOnEveryChannel(a.mailboxes(), b.domid(), new byte[] {99, 1, 2, 3}) > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.mailboxes().stats().stream()
                .filter(s -> s.peerDomid() == b.domid()).allMatch(s -> s.state().equals("closed")));

        b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow().tell(new Ping(2, collector));
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertEquals(new Pong(2, "alpha"), got.get(1), "the same replyTo now travels over a new channel");
    }

    @Test
    void asksFromAnotherDomainLeaveNoProxyBehind() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        a.mailboxes().register("ponger", spawn(a, ponger("alpha"), "ponger")).orThrow();
        ActorRef<CrossDomain> remote = b.mailboxes().<CrossDomain>lookup(a.domid(), "ponger").orThrow();
        for (int i = 0; i < 300; i++) {
            int n = i;
            Pong pong = AskPattern.<CrossDomain, Pong>ask(remote, reply -> new Ping(n, reply), Duration.ofSeconds(10),
                    b.system().scheduler()).toCompletableFuture().join();
            assertEquals(n, pong.n());
        }
        // Each ask had a reference of its own; alpha resolved 300 of them and keeps none.
        assertEquals(0, XenMailboxesTestAccess.proxiesKept(a.mailboxes()));
    }

    @Test
    void aWatchedRemoteActorsProxyIsKeptUntilTheWatchEnds() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        b.mailboxes().register("ponger", spawn(b, ponger("beta"), "ponger")).orThrow();
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "ponger").orThrow();
        ActorRef<String> watcher = spawn(a, Behaviors.<String>setup(ctx -> {
            ctx.watch(remote);
            return Behaviors.receiveMessage(m -> Behaviors.stopped());
        }), "watcher");
        await().atMost(Duration.ofSeconds(10)).until(() -> XenMailboxesTestAccess.proxiesKept(a.mailboxes()) == 1);

        watcher.tell("stop");
        await().atMost(Duration.ofSeconds(10)).until(() -> XenMailboxesTestAccess.proxiesKept(a.mailboxes()) == 0);
    }

    @Test
    void lookingUpAnUnknownNameIsEnoent() {
        TwoDomains.Dom a = x.boot("alpha");
        TwoDomains.Dom b = x.boot("beta");
        assertEquals(Errno.ENOENT, b.mailboxes().lookup(a.domid(), "nobody").errno());
    }

    @Test
    void aLocalReferenceLooksUpAsTheLocalActor() {
        TwoDomains.Dom a = x.boot("alpha");
        ActorRef<CrossDomain> ponger = spawn(a, ponger("alpha"), "ponger");
        a.mailboxes().register("ponger", ponger).orThrow();
        assertEquals(ponger, a.mailboxes().lookup(a.domid(), "ponger").orThrow());
    }
}
