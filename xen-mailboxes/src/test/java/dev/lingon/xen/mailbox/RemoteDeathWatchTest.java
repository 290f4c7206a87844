package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.mailbox.CrossDomain.Stop;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Watching an actor of another domain: Terminated when it stops, when the channel closes, when its domain dies. */
@ParameterizedClass
@EnumSource(Backend.class)
class RemoteDeathWatchTest {
    final TwoDomains x;

    RemoteDeathWatchTest(Backend backend) {
        x = new TwoDomains(backend);
    }

    @AfterEach
    void down() {
        x.close();
    }

    static Behavior<CrossDomain> stoppable() {
        return Behaviors.receive(CrossDomain.class)
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onAnyMessage(m -> Behaviors.same())
                .build();
    }

    /** A watcher in {@code d} of {@code target}; records the Terminated it gets. */
    static List<ActorRef<?>> watch(TwoDomains.Dom d, ActorRef<?> target) {
        List<ActorRef<?>> terminated = new CopyOnWriteArrayList<>();
        MailboxTestSupport.spawn(d, Behaviors.<Object>setup(ctx -> {
            ctx.watch(target);
            return Behaviors.receive(Object.class)
                    .onSignal(Terminated.class, t -> {
                        terminated.add(t.getRef());
                        return Behaviors.same();
                    })
                    .build();
        }), "watcher");
        return terminated;
    }

    record Pair(TwoDomains.Dom watcherSide, TwoDomains.Dom targetSide, ActorRef<CrossDomain> target, ActorRef<CrossDomain> remote) {
    }

    Pair pair() {
        TwoDomains.Dom a = x.boot("watching");
        TwoDomains.Dom b = x.boot("watched");
        ActorRef<CrossDomain> target = MailboxTestSupport.spawn(b, stoppable(), "target");
        b.mailboxes().register("target", target).orThrow();
        ActorRef<CrossDomain> remote = a.mailboxes().<CrossDomain>lookup(b.domid(), "target").orThrow();
        return new Pair(a, b, target, remote);
    }

    @Test
    void aRemoteActorThatStopsIsReportedTerminated() {
        Pair p = pair();
        List<ActorRef<?>> terminated = watch(p.watcherSide(), p.remote());
        // Let the watch cross before stopping the actor.
        await().atMost(Duration.ofSeconds(10)).until(() -> p.targetSide().mailboxes().stats().stream().anyMatch(s -> s.state().equals("open")));
        p.remote().tell(Stop.STOP);
        await().atMost(Duration.ofSeconds(10)).until(() -> terminated.size() == 1);
        assertEquals(p.remote(), terminated.getFirst());
    }

    @Test
    void watchingAnActorThatIsAlreadyGoneIsReportedTerminated() {
        Pair p = pair();
        List<ActorRef<?>> locally = watch(p.targetSide(), p.target());
        p.target().tell(Stop.STOP);
        await().atMost(Duration.ofSeconds(10)).until(() -> locally.size() == 1);
        List<ActorRef<?>> terminated = watch(p.watcherSide(), p.remote());
        await().atMost(Duration.ofSeconds(10)).until(() -> terminated.size() == 1);
    }

    @Test
    void aClosedChannelReportsEveryWatchedActorTerminated() {
        Pair p = pair();
        List<ActorRef<?>> terminated = watch(p.watcherSide(), p.remote());
        await().atMost(Duration.ofSeconds(10)).until(() -> p.targetSide().mailboxes().stats().stream().anyMatch(s -> s.state().equals("open")));
        x.terminate(p.targetSide());
        await().atMost(Duration.ofSeconds(10)).until(() -> terminated.size() == 1);
    }

    @Test
    void aDestroyedDomainReportsEveryWatchedActorTerminated() {
        Pair p = pair();
        List<ActorRef<?>> terminated = watch(p.watcherSide(), p.remote());
        await().atMost(Duration.ofSeconds(10)).until(() -> p.targetSide().mailboxes().stats().stream().anyMatch(s -> s.state().equals("open")));
        x.hv.destroy(p.targetSide().domain().handle());
        await().atMost(Duration.ofSeconds(10)).until(() -> terminated.size() == 1);
        assertTrue(p.watcherSide().mailboxes().stats().stream().allMatch(s -> s.state().equals("closed")));
    }
}
