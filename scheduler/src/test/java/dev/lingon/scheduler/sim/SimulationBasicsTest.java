package dev.lingon.scheduler.sim;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A simulated actor system runs on the test's thread, on virtual time, with no other thread involved. */
class SimulationBasicsTest {

    enum Tick { TICK }

    @Test
    void actorsRunOnTheDriverThreadAndStartNoThreads() {
        int before = Thread.activeCount();
        List<String> ranOn = new ArrayList<>();
        Simulation.check(1L, sim -> {
            XenDomain d = sim.domain("basic");
            ActorSystem<String> sys = sim.actorSystem(d, Behaviors.receiveMessage(m -> {
                ranOn.add(Thread.currentThread().getName());
                return Behaviors.same();
            }));
            sys.tell("hello");
            sim.runUntilIdle();
            assertEquals(List.of(Thread.currentThread().getName()), ranOn);
            assertTrue(Thread.activeCount() <= before + 1, "no Pekko thread was started: " + Thread.activeCount() + " vs " + before);
        });
    }

    @Test
    void timersFireOnVirtualTimeAndAnHourTakesNoRealHour() {
        List<Long> firedAtMillis = new ArrayList<>();
        Simulation.check(2L, sim -> {
            XenDomain d = sim.domain("timers");
            sim.actorSystem(d, Behaviors.<Tick>withTimers(timers -> {
                timers.startTimerAtFixedRate(Tick.TICK, Duration.ofMinutes(10));
                return Behaviors.receiveMessage(t -> {
                    firedAtMillis.add(sim.now().toMillis());
                    return Behaviors.same();
                });
            }));
            Duration start = sim.now();
            long realStart = System.nanoTime();
            sim.runFor(Duration.ofHours(1));
            assertEquals(start.plusHours(1), sim.now());
            assertTrue(System.nanoTime() - realStart < java.util.concurrent.TimeUnit.SECONDS.toNanos(30), "an hour of virtual time is quick");
            assertEquals(6, firedAtMillis.size(), firedAtMillis.toString());
            for (int i = 1; i < 6; i++) {
                assertEquals(600_000L, firedAtMillis.get(i) - firedAtMillis.get(i - 1), "ten virtual minutes apart: " + firedAtMillis);
            }
        });
    }

    @Test
    void eventsBetweenSimulatedDomainsReachTheBoundActor() {
        Simulation.check(3L, sim -> {
            XenDomain a = sim.domain("a");
            XenDomain b = sim.domain("b");
            int bPort = b.evtchn().allocUnbound(a.domid()).orThrow();
            int aPort = a.evtchn().bindInterdomain(b.domid(), bPort).orThrow();
            List<EventPending> got = new ArrayList<>();
            CompletableFuture<ActorRef<EventPending>> ref = new CompletableFuture<>();
            sim.actorSystem(b, Behaviors.setup(ctx -> {
                ref.complete(ctx.spawn(Behaviors.<EventPending>receiveMessage(e -> {
                    got.add(e);
                    return Behaviors.same();
                }), "irq"));
                return Behaviors.empty();
            }));
            sim.kernel(b).bind(bPort, ref.join());
            a.evtchn().send(aPort);
            a.evtchn().send(aPort);
            sim.runUntilIdle();
            assertEquals(List.of(new EventPending(bPort)), got, "two raises before the scan arrive once");
            assertEquals(1, sim.kernel(b).metrics().eventsDelivered());
        });
    }

    @Test
    void theTraceRecordsEveryDeliveryWithDomainPathAndClass() {
        Simulation.check(4L, sim -> {
            XenDomain d = sim.domain("traced");
            ActorSystem<String> sys = sim.actorSystem(d, Behaviors.receiveMessage(m -> Behaviors.same()));
            int before = sim.trace().size();
            sys.tell("one");
            sys.tell("two");
            sim.runUntilIdle();
            List<TraceEntry> mine = sim.trace().subList(before, sim.trace().size()).stream()
                    .filter(e -> e.actorPath().equals("/user")).toList();
            assertEquals(2, mine.size(), sim.trace().toString());
            assertEquals("traced", mine.get(0).domain());
            assertEquals(String.class.getName(), mine.get(0).messageClass());
        });
    }

    @Test
    void aFailingScenarioNamesItsSeed() {
        AssertionError e = assertThrows(AssertionError.class, () -> Simulation.check(77L, sim -> {
            sim.domain("x");
            fail("boom");
        }));
        assertTrue(e.getMessage().contains("seed 77"), e.getMessage());
    }

    @Test
    void workFromAnotherThreadFailsTheRun() {
        AssertionError e = assertThrows(AssertionError.class, () -> Simulation.check(5L, sim -> {
            XenDomain d = sim.domain("foreign");
            ActorSystem<String> sys = sim.actorSystem(d, Behaviors.receiveMessage(m -> Behaviors.same()));
            Thread t = new Thread(() -> sys.tell("from outside"), "intruder");
            t.start();
            t.join();
            sim.runUntilIdle();
        }));
        assertTrue(e.getMessage().contains("intruder"), e.getMessage());
    }
}
