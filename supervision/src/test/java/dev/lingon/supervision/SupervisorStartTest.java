package dev.lingon.supervision;

import org.apache.pekko.actor.typed.javadsl.Behaviors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.FailedToStartChild;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.StartResult;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.Supervisor;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.Agent;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;

/**
 * Starting a supervisor: children start in order; a child that fails to start stops those already started
 * (reverse order) and fails the supervisor with {shutdown, {failed_to_start_child, Id, Reason}}; a child may
 * answer ignore; an EXIT from the parent stops the supervisor with the parent's reason.
 */
class SupervisorStartTest extends SupervisionTestBase {

    @Test
    void startsChildrenInOrderWithProgressReports() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        ChildSpec a = Worker.named("a", log).spec().build();
        ChildSpec b = Worker.named("b", log).spec().build();
        Pid sup = startSupervisor(SupervisorSpec.builder().child(a).child(b).build());

        assertEquals(List.of("start:a", "start:b"), log.events(), "all started when start returns");
        assertEquals(List.of(new SupervisorReport.ChildStarted(sup, Offender.of(a, List.of(log.pid("a")))),
                new SupervisorReport.ChildStarted(sup, Offender.of(b, List.of(log.pid("b"))))),
                reportsSoFar(reports, true));
    }

    @Test
    void aChildFailingToStartStopsTheStartedOnesInReverseOrder() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        ChildSpec c = Worker.named("c", log).failNextStarts(1).spec().build();
        StartResult result = startResult(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .child(c)
                .child(Worker.named("d", log).spec().build())
                .build());

        ExitReason cause = ExitReason.error(new Worker.WorkerCrash("init of c"));
        assertEquals(new Reply.Failed(ExitReason.shutdown(new FailedToStartChild("c", cause))), result);
        assertEquals(List.of("start:a", "start:b", "failed-start:c", "stop:b", "stop:a"), log.events());
        List<SupervisorReport> got = reportsSoFar(reports);
        assertEquals(1, got.size(), got.toString());
        SupervisorReport.StartError error = assertInstanceOf(SupervisorReport.StartError.class, got.getFirst());
        assertEquals(cause, error.reason());
        assertEquals(Offender.of(c, List.of()), error.offender());
    }

    @Test
    void aStartFunctionThatThrowsFailsTheStartToo() {
        IllegalArgumentException cause = new IllegalArgumentException("bad config");
        StartResult result = startResult(SupervisorSpec.builder()
                .child(ChildSpec.builder("x").startWith(args -> {
                    throw cause;
                }).build())
                .build());
        assertEquals(new Reply.Failed(ExitReason.shutdown(new FailedToStartChild("x", ExitReason.error(cause)))), result);
    }

    @Test
    void ignoredChildrenKeepTheirSpecUnlessTemporary() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("i", log).ignoreNextStarts(1).spec().build())
                .child(Worker.named("t", log).ignoreNextStarts(1).spec().restart(RestartType.TEMPORARY).build())
                .build());
        assertEquals(List.of(undefined("i"), started("a", log.pid("a"))), result(sup(sup).whichChildren()));
        assertEquals(List.of("start:a", "ignored-start:i", "ignored-start:t"), log.events());
    }

    @Test
    void aNestedSupervisorThatFailsToStartFailsItsParent() {
        EventLog log = new EventLog();
        SupervisorSpec inner = SupervisorSpec.builder()
                .child(Worker.named("x", log).spec().build())
                .child(Worker.named("y", log).failNextStarts(1).spec().build())
                .build();
        StartResult result = startResult(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build())
                .child(ChildSpec.supervisor("inner", inner))
                .build());

        ExitReason innerReason = ExitReason.shutdown(new FailedToStartChild("y",
                ExitReason.error(new Worker.WorkerCrash("init of y"))));
        assertEquals(new Reply.Failed(ExitReason.shutdown(new FailedToStartChild("inner", innerReason))), result);
        assertEquals(List.of("start:a", "start:x", "failed-start:y", "stop:x", "stop:a"), log.events());
    }

    @Test
    void emptySupervisorsStart() {
        Pid plain = startSupervisor(SupervisorSpec.builder().build());
        assertEquals(List.of(), result(sup(plain).whichChildren()));
        Pid simple = startSupervisor(SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE)
                .child(ChildSpec.worker("dyn", Behaviors::empty)).build());
        assertEquals(List.of(), result(sup(simple).whichChildren()));
    }

    @Test
    void anExitFromTheParentStopsTheSupervisorWithTheSameReason() {
        EventLog log = new EventLog();
        TestProbe<Agent.Got> observer = runtime.kit().createTestProbe();
        Pid parent = Agent.spawn(runtime.system(), runtime.name("parent"), observer.ref());
        Pid sup = assertInstanceOf(Pid.class, Agent.call(runtime.system(), parent, r -> new Agent.SpawnLinkWith("sup",
                Supervisor.init(SupervisorSpec.builder()
                        .child(Worker.named("a", log).spec().build())
                        .child(Worker.named("b", log).spec().build())
                        .build()), r)));
        awaitEvents(log, "start:a", "start:b");

        Pid stranger = Agent.spawn(runtime.system(), runtime.name("stranger"), observer.ref());
        Agent.call(runtime.system(), stranger, r -> new Agent.SendExit(sup, ExitReason.shutdown(), r));
        assertEquals(List.of(started("b", log.pid("b")), started("a", log.pid("a"))), result(sup(sup).whichChildren()),
                "an exit signal from a process that is not the parent is trapped and ignored");
        assertTrue(sup.isAlive());

        Agent.call(runtime.system(), parent, r -> new Agent.SendExit(sup, ExitReason.shutdown("from parent"), r));

        assertEquals(ExitReason.shutdown("from parent"), awaitExit(sup));
        awaitEvents(log, "start:a", "start:b", "stop:b", "stop:a");
    }
}
