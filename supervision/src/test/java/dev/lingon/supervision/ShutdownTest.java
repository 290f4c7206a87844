package dev.lingon.supervision;

import dev.lingon.supervision.api.ChildInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.SupervisorRef;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.api.TerminateChildResult;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;

/**
 * The shutdown protocol: brutal_kill kills at once; a timeout sends shutdown and kills when it expires;
 * infinity waits; the supervisor waits through a monitor, so a child that unlinked cannot hang it; an
 * unexpected reason is reported as shutdown_error.
 */
class ShutdownTest extends SupervisionTestBase {

    private SupervisorRef supervisorWith(ChildSpec child) {
        return sup(startSupervisor(SupervisorSpec.builder().child(child).build()));
    }

    private static void assertAnswers(Pid worker, TestProbe<String> probe, String name) {
        worker.<Worker.Cmd>ref().tell(new Worker.Ping(probe.ref()));
        probe.expectMessage("pong:" + name);
    }

    @Test
    void timeoutKillsAChildThatIgnoresShutdown() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        TestProbe<String> probe = runtime.kit().createTestProbe();
        ChildSpec spec = Worker.named("w", log).ignoringShutdown().spec().shutdown(Shutdown.millis(5000)).build();
        SupervisorRef sup = supervisorWith(spec);
        Pid w = awaitStarted(log, "w", 1);

        CompletableFuture<TerminateChildResult> terminated = sup.terminateChild("w").toCompletableFuture();
        awaitEvents(log, "start:w", "exit:w:shutdown");
        runtime.advance(Duration.ofMillis(4999));
        assertAnswers(w, probe, "w");
        assertFalse(terminated.isDone());

        runtime.advance(Duration.ofMillis(1));

        assertEquals(new Reply.Ok(), result(terminated));
        assertEquals(ExitReason.killed(), w.exitReason().orElseThrow());
        assertEquals(List.of(new SupervisorReport.ShutdownError(sup.pid(), Offender.of(spec, List.of(w)), ExitReason.killed())),
                reportsSoFar(reports));
        awaitChildren(sup.pid(), List.of(undefined("w")));
    }

    @Test
    void aTrappingChildThatObeysStopsWithShutdownAndNothingIsReported() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        SupervisorRef sup = supervisorWith(Worker.named("w", log).trappingExits().spec().build());
        Pid w = awaitStarted(log, "w", 1);

        assertEquals(new Reply.Ok(), result(sup.terminateChild("w")));

        assertEquals(ExitReason.shutdown(), w.exitReason().orElseThrow());
        assertEquals(List.of("start:w", "exit:w:shutdown", "stop:w"), log.events());
        assertEquals(List.of(), reportsSoFar(reports));
        // The kill timer was cancelled: letting it expire kills nothing and reports nothing.
        runtime.advance(Duration.ofSeconds(10));
        assertEquals(List.of(), reportsSoFar(reports));
    }

    @Test
    void aChildThatDoesNotTrapExitsDiesWithShutdown() {
        EventLog log = new EventLog();
        SupervisorRef sup = supervisorWith(Worker.named("w", log).spec().build());
        Pid w = awaitStarted(log, "w", 1);
        assertEquals(new Reply.Ok(), result(sup.terminateChild("w")));
        assertEquals(ExitReason.shutdown(), w.exitReason().orElseThrow());
        assertEquals(List.of("start:w", "stop:w"), log.events());
    }

    @Test
    void infinityWaitsAsLongAsTheChildNeeds() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        TestProbe<String> probe = runtime.kit().createTestProbe();
        SupervisorRef sup = supervisorWith(Worker.named("w", log).ignoringShutdown().spec()
                .shutdown(Shutdown.infinity()).build());
        Pid w = awaitStarted(log, "w", 1);

        CompletableFuture<TerminateChildResult> terminated = sup.terminateChild("w").toCompletableFuture();
        awaitEvents(log, "start:w", "exit:w:shutdown");
        runtime.advance(Duration.ofHours(1));
        assertAnswers(w, probe, "w");
        assertFalse(terminated.isDone());

        w.<Worker.Cmd>ref().tell(new Worker.Exit(ExitReason.shutdown()));

        assertEquals(new Reply.Ok(), result(terminated));
        assertEquals(List.of(), reportsSoFar(reports));
    }

    @Test
    void brutalKillCannotBeTrapped() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        SupervisorRef sup = supervisorWith(Worker.named("w", log).ignoringShutdown().spec()
                .shutdown(Shutdown.brutalKill()).build());
        Pid w = awaitStarted(log, "w", 1);

        assertEquals(new Reply.Ok(), result(sup.terminateChild("w")));

        assertEquals(ExitReason.killed(), w.exitReason().orElseThrow());
        assertEquals(List.of("start:w", "stop:w"), log.events(), "no exit message: the kill was not trapped");
        assertEquals(List.of(), reportsSoFar(reports), "killed is the expected reason of a brutal kill");
    }

    @Test
    void aChildThatUnlinkedItselfIsStillWaitedForThroughTheMonitor() {
        EventLog log = new EventLog();
        TestProbe<String> probe = runtime.kit().createTestProbe();
        SupervisorRef sup = supervisorWith(Worker.named("w", log).trappingExits().spec().build());
        Pid w = awaitStarted(log, "w", 1);
        w.<Worker.Cmd>ref().tell(new Worker.UnlinkParent(probe.ref()));
        probe.expectMessage("unlinked:w");

        assertEquals(new Reply.Ok(), result(sup.terminateChild("w")));
        assertEquals(ExitReason.shutdown(), w.exitReason().orElseThrow());
    }

    @Test
    void anUnexpectedReasonIsAShutdownErrorForAPermanentChildOnly() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        ChildSpec permanent = Worker.named("p", log).answeringShutdownWith(ExitReason.normal()).spec().build();
        ChildSpec transientChild = Worker.named("t", log).answeringShutdownWith(ExitReason.normal()).spec()
                .restart(RestartType.TRANSIENT).build();
        ChildSpec crashing = Worker.named("c", log).answeringShutdownWith(ExitReason.error("cleanup failed")).spec()
                .restart(RestartType.TRANSIENT).build();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder()
                .child(permanent).child(transientChild).child(crashing).build()));
        Pid p = awaitStarted(log, "p", 1);
        Pid c = awaitStarted(log, "c", 1);

        assertEquals(ExitReason.shutdown(), result(sup.stop(ExitReason.shutdown())));

        assertEquals(List.of(
                new SupervisorReport.ShutdownError(sup.pid(), Offender.of(crashing, List.of(c)), ExitReason.error("cleanup failed")),
                new SupervisorReport.ShutdownError(sup.pid(), Offender.of(permanent, List.of(p)), ExitReason.normal())),
                reportsSoFar(reports));
    }

    @Test
    void aSupervisorStopsItsTreeDepthFirstInReverseStartOrder() {
        EventLog log = new EventLog();
        SupervisorSpec inner = SupervisorSpec.builder()
                .child(Worker.named("x", log).spec().build())
                .child(Worker.named("y", log).trappingExits().spec().build())
                .build();
        Pid outer = startSupervisor(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build())
                .child(ChildSpec.supervisor("inner", inner))
                .child(Worker.named("b", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:x", "start:y", "start:b");
        Pid innerPid = assertInstanceOf(ChildInfo.Started.class,
                result(sup(outer).whichChildren()).get(1).child()).pid();

        assertEquals(ExitReason.normal(), result(sup(outer).stop()));

        assertEquals(List.of("start:a", "start:x", "start:y", "start:b",
                "stop:b", "exit:y:shutdown", "stop:y", "stop:x", "stop:a"), log.events());
        assertEquals(ExitReason.shutdown(), innerPid.exitReason().orElseThrow(),
                "a supervisor exits with its parent's shutdown reason");
    }
}
