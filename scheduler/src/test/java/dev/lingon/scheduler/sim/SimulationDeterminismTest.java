package dev.lingon.scheduler.sim;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The same seed replays the same run, delivery for delivery; another seed explores another
 * interleaving. The scenario spans three domains joined by event channels, with timers, concurrent
 * message flows, a broadcast over a {@code HashSet} of actor refs (iterated in actor-uid order) and
 * death watch with several watchers (also uid-ordered inside Pekko).
 */
class SimulationDeterminismTest {

    sealed interface Msg permits Token, Tick, Irq, Stop {
    }

    record Token(int hops) implements Msg {
    }

    enum Tick implements Msg { TICK }

    record Irq(EventPending e) implements Msg {
    }

    enum Stop implements Msg { STOP }

    /** What a run produced: its trace hash and how much happened. */
    record Outcome(String hash, long deliveries, long steps, long events) {
    }

    static Outcome run(long seed) {
        List<Outcome> out = new ArrayList<>();
        Simulation.check(seed, sim -> {
            String[] names = {"hub", "left", "right"};
            XenDomain[] d = new XenDomain[3];
            for (int i = 0; i < 3; i++) {
                d[i] = sim.domain(names[i]);
            }
            // hub <-> left on one channel, hub <-> right on another.
            int[][] port = new int[3][3];
            for (int peer = 1; peer < 3; peer++) {
                port[0][peer] = d[0].evtchn().allocUnbound(d[peer].domid()).orThrow();
                port[peer][0] = d[peer].evtchn().bindInterdomain(d[0].domid(), port[0][peer]).orThrow();
            }
            for (int i = 0; i < 3; i++) {
                int me = i;
                CompletableFuture<ActorRef<EventPending>> irq = new CompletableFuture<>();
                sim.actorSystem(d[i], Behaviors.<Msg>setup(ctx -> {
                    List<ActorRef<Msg>> workers = new ArrayList<>();
                    Set<ActorRef<Msg>> audience = new HashSet<>();
                    for (int w = 0; w < 5; w++) {
                        int id = w;
                        ActorRef<Msg> worker = ctx.spawn(Behaviors.<Msg>receive((c, m) -> {
                            if (m instanceof Token t && t.hops() > 0) {
                                ActorRef<Msg> next = workers.get((id + t.hops()) % workers.size());
                                next.tell(new Token(t.hops() - 1));
                                if (t.hops() % 3 == 0) {
                                    for (int peer = 0; peer < 3; peer++) {
                                        if (port[me][peer] != 0) {
                                            d[me].evtchn().send(port[me][peer]);
                                        }
                                    }
                                }
                            } else if (m instanceof Stop) {
                                return Behaviors.stopped();
                            }
                            return Behaviors.same();
                        }), "worker-" + w);
                        workers.add(worker);
                        audience.add(worker);
                    }
                    // Several watchers of worker-4: Pekko notifies them in uid order when it stops.
                    for (int w = 0; w < 3; w++) {
                        ActorRef<Msg> target = workers.get(4);
                        ctx.spawn(Behaviors.<Msg>setup(wc -> {
                            wc.watch(target);
                            return Behaviors.receive(Msg.class)
                                    .onAnyMessage(m -> Behaviors.same())
                                    .onSignal(Terminated.class, sig -> {
                                        workers.get(0).tell(new Token(4));
                                        return Behaviors.same();
                                    }).build();
                        }), "watcher-" + w);
                    }
                    ActorRef<Msg> self = ctx.getSelf();
                    irq.complete(ctx.messageAdapter(EventPending.class, Irq::new));
                    return Behaviors.withTimers(timers -> {
                        timers.startTimerWithFixedDelay(Tick.TICK, Duration.ofMillis(100 + 37L * me));
                        int[] ticks = {0};
                        return Behaviors.<Msg>receive((c, m) -> {
                            switch (m) {
                                case Tick t -> {
                                    ticks[0]++;
                                    for (ActorRef<Msg> a : audience) {
                                        a.tell(new Token(ticks[0] % 7 + 1));
                                    }
                                    if (ticks[0] == 5) {
                                        workers.get(4).tell(Stop.STOP);
                                    }
                                }
                                case Irq e -> workers.get(e.e().port() % workers.size()).tell(new Token(2));
                                case Token tok -> self.tell(new Token(0));
                                case Stop s -> {
                                }
                            }
                            return Behaviors.same();
                        });
                    });
                }));
                for (int peer = 0; peer < 3; peer++) {
                    if (port[i][peer] != 0) {
                        sim.kernel(d[i]).bind(port[i][peer], irq.join());
                    }
                }
            }
            sim.runFor(Duration.ofSeconds(2));
            long events = 0;
            for (XenDomain x : d) {
                events += sim.kernel(x).metrics().eventsDelivered();
            }
            out.add(new Outcome(sim.traceHash(), sim.deliveries(), sim.steps(), events));
        });
        return out.getFirst();
    }

    @Test
    void threeRunsWithOneSeedGiveOneHash() {
        Outcome a = run(20261126L);
        Outcome b = run(20261126L);
        Outcome c = run(20261126L);
        assertTrue(a.deliveries() > 1000, "the scenario does real work: " + a);
        assertTrue(a.events() > 10, "events crossed domains: " + a);
        assertEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void twoSeedsExploreTwoInterleavings() {
        Outcome a = run(1L);
        Outcome b = run(2L);
        assertNotEquals(a.hash(), b.hash(), "seed 1 " + a + " vs seed 2 " + b);
    }
}
