package dev.lingon.supervision;

import dev.lingon.supervision.api.ExitMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.Down;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.MonitorRef;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.testkit.Agent;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Monitors are one-way and deliver exactly one DOWN, noproc when the target was already gone. */
class MonitorTest extends SupervisionTestBase {

    private TestProbe<Agent.Got> observer;

    @BeforeEach
    void observe() {
        observer = runtime.kit().createTestProbe();
    }

    private Pid agent() {
        return Agent.spawn(runtime.system(), runtime.name("agent"), observer.ref());
    }

    private Object call(Pid agent, Function<ActorRef<Object>, Agent.Cmd> cmd) {
        return Agent.call(runtime.system(), agent, cmd);
    }

    private MonitorRef monitor(Pid watcher, Pid target) {
        return assertInstanceOf(MonitorRef.class, call(watcher, r -> new Agent.Monitor(target, r)));
    }

    /**
     * Nothing more arrives: every DOWN one exit produces is queued in the watcher when the exit is seen, so
     * a sync marker queued after that reaches the observer after any of them.
     */
    private void assertNothingMoreFor(Pid watcher) {
        call(watcher, Agent.Sync::new);
        assertEquals(new Agent.Got(watcher, "sync"), observer.receiveMessage());
    }

    @Test
    void deliversExactlyOneDownWithTheReason() {
        Pid watcher = agent();
        Pid target = agent();
        MonitorRef ref = monitor(watcher, target);

        RuntimeException boom = new IllegalStateException("boom");
        target.<Object>ref().tell(new Agent.Crash(boom));

        assertEquals(new Agent.Got(watcher, new Down(ref, target, ExitReason.error(boom))), observer.receiveMessage());
        assertNothingMoreFor(watcher);
    }

    @Test
    void eachMonitorHasItsOwnRefAndItsOwnDown() {
        Pid watcher = agent();
        Pid target = agent();
        MonitorRef first = monitor(watcher, target);
        MonitorRef second = monitor(watcher, target);
        assertNotEquals(first, second);

        target.<Object>ref().tell(new Agent.Exit(ExitReason.shutdown()));

        assertEquals(new Agent.Got(watcher, new Down(first, target, ExitReason.shutdown())), observer.receiveMessage());
        assertEquals(new Agent.Got(watcher, new Down(second, target, ExitReason.shutdown())), observer.receiveMessage());
        assertNothingMoreFor(watcher);
    }

    @Test
    void monitoringADeadProcessGivesNoproc() {
        Pid watcher = agent();
        Pid dead = agent();
        dead.<Object>ref().tell(new Agent.Exit(ExitReason.error("gone")));
        awaitExit(dead);

        MonitorRef ref = monitor(watcher, dead);

        assertEquals(new Agent.Got(watcher, new Down(ref, dead, ExitReason.noproc())), observer.receiveMessage());
        assertNothingMoreFor(watcher);
    }

    @Test
    void monitorsAreOneWay() {
        Pid watcher = agent();
        Pid target = agent();
        monitor(watcher, target);

        watcher.<Object>ref().tell(new Agent.Crash(new IllegalStateException("watcher dies")));
        awaitExit(watcher);

        assertEquals("pong", call(target, Agent.Ping::new));
        assertTrue(target.isAlive());
        assertNothingMoreFor(target);
    }

    @Test
    void demonitorFlushesTheDown() {
        Pid watcher = agent();
        Pid target = agent();
        MonitorRef dropped = monitor(watcher, target);
        MonitorRef kept = monitor(watcher, target);
        assertEquals(true, call(watcher, r -> new Agent.Demonitor(dropped, r)));
        assertEquals(false, call(watcher, r -> new Agent.Demonitor(dropped, r)), "already inactive");

        target.<Object>ref().tell(new Agent.Stop());

        // Both DOWNs would come from the same exit: only the kept monitor's arrives.
        assertEquals(new Agent.Got(watcher, new Down(kept, target, ExitReason.normal())), observer.receiveMessage());
        assertNothingMoreFor(watcher);

        Pid dead = agent();
        dead.<Object>ref().tell(new Agent.Stop());
        awaitExit(dead);
        // The noproc DOWN is queued at once; demonitoring before it is handled still drops it.
        assertEquals(true, call(watcher, r -> new Agent.MonitorThenDemonitor(dead, r)));
        assertNothingMoreFor(watcher);
    }

    @Test
    void aMonitorAndALinkToTheSameProcessBothFire() {
        Pid watcher = agent();
        Pid target = agent();
        assertEquals("ok", call(watcher, r -> new Agent.TrapExits(true, r)));
        assertEquals("ok", call(watcher, r -> new Agent.Link(target, r)));
        assertEquals("pong", call(target, Agent.Ping::new));
        MonitorRef ref = monitor(watcher, target);

        target.<Object>ref().tell(new Agent.Exit(ExitReason.error("x")));

        assertEquals(new Agent.Got(watcher, new Down(ref, target, ExitReason.error("x"))), observer.receiveMessage());
        assertEquals(new Agent.Got(watcher, new ExitMessage(target, ExitReason.error("x"))),
                observer.receiveMessage());
        assertNothingMoreFor(watcher);
        assertFalse(target.isAlive());
    }
}
