package dev.lingon.xen.mailbox;

import static org.awaitility.Awaitility.await;

import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Spawning test actors in a domain and collecting what goes to dead letters. */
final class MailboxTestSupport {
    private static final AtomicInteger N = new AtomicInteger();

    private MailboxTestSupport() {
    }

    static <T> ActorRef<T> spawn(TwoDomains.Dom d, Behavior<T> b, String name) {
        CompletableFuture<ActorRef<T>> f = new CompletableFuture<>();
        d.system().systemActorOf(Behaviors.<Object>setup(ctx -> {
            f.complete(ctx.spawn(b, name));
            return Behaviors.empty();
        }), "spawner-" + name + "-" + N.incrementAndGet(), Props.empty());
        return f.join();
    }

    /**
     * Every {@link Dropped} published in a domain from now on. Subscribing is a message to the event
     * stream, so it returns once a probe published after the subscription has come back: a drop that
     * happens right after this call (a send on the caller's thread) is not missed.
     */
    static List<Dropped> dropped(TwoDomains.Dom d) {
        List<Dropped> out = new CopyOnWriteArrayList<>();
        ActorRef<Dropped> sink = spawn(d, Behaviors.<Dropped>receiveMessage(x -> {
            out.add(x);
            return Behaviors.same();
        }), "dropped-sink-" + N.incrementAndGet());
        d.system().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, sink));
        Object probe = new Object();
        d.system().eventStream().tell(new EventStream.Publish<>(
                new Dropped(probe, "subscription probe", org.apache.pekko.actor.ActorRef.noSender(), Adapter.toClassic(sink))));
        await().atMost(Duration.ofSeconds(10)).until(() -> out.stream().anyMatch(x -> x.message() == probe));
        out.removeIf(x -> x.message() == probe);
        return out;
    }
}
