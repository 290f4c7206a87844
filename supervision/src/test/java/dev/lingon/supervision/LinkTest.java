package dev.lingon.supervision;

import org.apache.pekko.actor.typed.ActorRef;
import java.util.function.Function;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ExitMessage;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.NoProcException;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Processes;
import dev.lingon.supervision.testkit.Agent;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erlang's link rules: links are two-way; a normal exit is not propagated to a process that does not trap
 * exits; trapping turns exit signals into messages; an explicit kill cannot be trapped and ends the target
 * with killed, while kill arriving through a link is an ordinary, trappable reason.
 */
class LinkTest extends SupervisionTestBase {

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

    private void link(Pid a, Pid b) {
        assertEquals("ok", call(a, r -> new Agent.Link(b, r)));
        // The link request travels to b; a round trip to b makes sure b has it.
        assertEquals("pong", call(b, Agent.Ping::new));
    }

    private void trap(Pid a) {
        assertEquals("ok", call(a, r -> new Agent.TrapExits(true, r)));
    }

    @Test
    void linksAreTwoWay() {
        Pid a = agent();
        Pid b = agent();
        link(a, b);
        assertEquals(Set.of(b), call(a, Agent.Links::new));
        assertEquals(Set.of(a), call(b, Agent.Links::new));

        RuntimeException boom = new IllegalStateException("boom");
        b.<Object>ref().tell(new Agent.Crash(boom));
        assertEquals(ExitReason.error(boom), awaitExit(b));
        assertEquals(ExitReason.error(boom), awaitExit(a), "a dies with b's reason");

        Pid c = agent();
        Pid d = agent();
        link(c, d);
        c.<Object>ref().tell(new Agent.Exit(ExitReason.shutdown()));
        assertEquals(ExitReason.shutdown(), awaitExit(d), "the link works from the other side too");
    }

    @Test
    void normalExitIsNotPropagatedToANonTrappingProcess() {
        Pid a = agent();
        Pid b = agent();
        link(a, b);
        b.<Object>ref().tell(new Agent.Stop());
        assertEquals(ExitReason.normal(), awaitExit(b));
        // Once the link is gone, a has handled b's exit signal.
        await().until(() -> Set.of().equals(call(a, Agent.Links::new)));
        assertEquals("pong", call(a, Agent.Ping::new));
        assertTrue(a.isAlive());
    }

    @Test
    void trappingTurnsExitSignalsIntoMessages() {
        Pid a = agent();
        Pid b = agent();
        Pid c = agent();
        trap(a);
        link(a, b);
        link(a, c);

        b.<Object>ref().tell(new Agent.Exit(ExitReason.shutdown("bye")));
        assertEquals(new Agent.Got(a, new ExitMessage(b, ExitReason.shutdown("bye"))), observer.receiveMessage());
        c.<Object>ref().tell(new Agent.Stop());
        assertEquals(new Agent.Got(a, new ExitMessage(c, ExitReason.normal())), observer.receiveMessage(),
                "a trapping process also sees normal exits");
        assertTrue(a.isAlive());
        assertEquals("pong", call(a, Agent.Ping::new));
    }

    @Test
    void explicitKillCannotBeTrappedAndEndsTheTargetWithKilled() {
        Pid a = agent();
        Pid linkedToA = agent();
        Pid killer = agent();
        trap(a);
        link(a, linkedToA);

        call(killer, r -> new Agent.SendExit(a, ExitReason.kill(), r));

        assertEquals(ExitReason.killed(), awaitExit(a));
        assertEquals(ExitReason.killed(), awaitExit(linkedToA), "killed (not kill) travels on through links");
    }

    @Test
    void killArrivingThroughALinkIsTrappableAndNotConverted() {
        Pid trapping = agent();
        Pid plain = agent();
        Pid dying = agent();
        trap(trapping);
        link(trapping, dying);
        link(plain, dying);

        dying.<Object>ref().tell(new Agent.Exit(ExitReason.kill()));

        assertEquals(new Agent.Got(trapping, new ExitMessage(dying, ExitReason.kill())), observer.receiveMessage());
        assertTrue(trapping.isAlive());
        assertEquals(ExitReason.kill(), awaitExit(plain), "a non-trapping process dies with kill, not killed");
    }

    @Test
    void explicitExitSignals() {
        Pid sender = agent();
        Pid plain = agent();
        Pid trapping = agent();
        trap(trapping);

        call(sender, r -> new Agent.SendExit(plain, ExitReason.normal(), r));
        assertEquals("pong", call(plain, Agent.Ping::new), "exit(P, normal) is ignored by a non-trapping P");

        call(sender, r -> new Agent.SendExit(trapping, ExitReason.normal(), r));
        assertEquals(new Agent.Got(trapping, new ExitMessage(sender, ExitReason.normal())), observer.receiveMessage());

        call(sender, r -> new Agent.SendExit(trapping, ExitReason.error("stop"), r));
        assertEquals(new Agent.Got(trapping, new ExitMessage(sender, ExitReason.error("stop"))), observer.receiveMessage());

        call(sender, r -> new Agent.SendExit(plain, ExitReason.shutdown(), r));
        assertEquals(ExitReason.shutdown(), awaitExit(plain));

        Pid self = agent();
        call(self, r -> new Agent.SendExit(self, ExitReason.normal(), r));
        assertEquals(ExitReason.normal(), awaitExit(self), "exit(self(), normal) ends the caller");

        assertTrue(sender.isAlive(), "an exit signal does not link");
    }

    @Test
    void exitSignalFromOutsideAnyProcess() {
        Pid trapping = agent();
        trap(trapping);
        Processes.sendExit(trapping, ExitReason.shutdown());
        assertEquals(new Agent.Got(trapping, new ExitMessage(Processes.external(), ExitReason.shutdown())),
                observer.receiveMessage());
        Processes.sendExit(trapping, ExitReason.kill());
        assertEquals(ExitReason.killed(), awaitExit(trapping));
    }

    @Test
    void unlinkRemovesTheLinkInBothDirections() {
        Pid a = agent();
        Pid b = agent();
        link(a, b);
        assertEquals("ok", call(a, r -> new Agent.Unlink(b, r)));
        assertEquals(Set.of(), call(a, Agent.Links::new));
        assertEquals(Set.of(), call(b, Agent.Links::new));

        b.<Object>ref().tell(new Agent.Crash(new IllegalStateException("unlinked")));
        awaitExit(b);
        assertEquals("pong", call(a, Agent.Ping::new));
        assertTrue(a.isAlive());
    }

    @Test
    void linkingToADeadProcess() {
        Pid dead = agent();
        dead.<Object>ref().tell(new Agent.Stop());
        awaitExit(dead);

        Pid plain = agent();
        NoProcException noproc = assertInstanceOf(NoProcException.class, call(plain, r -> new Agent.Link(dead, r)));
        assertSame(dead, noproc.pid());

        Pid trapping = agent();
        trap(trapping);
        assertEquals("ok", call(trapping, r -> new Agent.Link(dead, r)));
        assertEquals(new Agent.Got(trapping, new ExitMessage(dead, ExitReason.noproc())), observer.receiveMessage());
    }

    @Test
    void spawnLinkIsAtomicAndAChildDiesWithItsParentsAbnormalReason() {
        Pid parent = agent();
        Pid child = assertInstanceOf(Pid.class, call(parent, r -> new Agent.SpawnLink("child", r)));
        assertEquals(Set.of(child), call(parent, Agent.Links::new));
        assertEquals(Set.of(parent), call(child, Agent.Links::new));

        child.<Object>ref().tell(new Agent.Exit(ExitReason.error("child failed")));
        assertEquals(ExitReason.error("child failed"), awaitExit(parent));

        Pid parent2 = agent();
        Pid child2 = assertInstanceOf(Pid.class, call(parent2, r -> new Agent.SpawnLink("child", r)));
        parent2.<Object>ref().tell(new Agent.Exit(ExitReason.error("parent failed")));
        assertEquals(ExitReason.error("parent failed"), awaitExit(child2));
    }
}
