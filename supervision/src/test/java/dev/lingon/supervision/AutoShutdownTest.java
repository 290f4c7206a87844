package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.AutoShutdown;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;

/**
 * auto_shutdown: a supervisor shuts itself down (reason shutdown) when significant children exit by
 * themselves and are not restarted: any of them, or the last of them.
 */
class AutoShutdownTest extends SupervisionTestBase {

    private static ChildSpec significant(Worker worker, RestartType type) {
        return worker.spec().restart(type).significant(true).build();
    }

    @Test
    void anySignificantChildExitingEndsTheSupervisor() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(Worker.named("a", log).spec().build())
                .child(significant(Worker.named("s", log), RestartType.TRANSIENT))
                .child(Worker.named("b", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:s", "start:b");

        log.pid("s").<Worker.Cmd>ref().tell(new Worker.Stop());

        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        awaitEvents(log, "start:a", "start:s", "start:b", "stop:s", "stop:b", "stop:a");
    }

    @Test
    void aSignificantChildThatIsRestartedDoesNotEndTheSupervisor() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(significant(Worker.named("s", log), RestartType.TRANSIENT))
                .build());
        awaitEvents(log, "start:s");
        log.pid("s").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        Pid s2 = awaitStarted(log, "s", 2);
        assertTrue(sup.isAlive());
        awaitChildren(sup, List.of(started("s", s2)));
    }

    @Test
    void aSignificantTemporaryChildEndsTheSupervisorWhateverItsReason() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(Worker.named("a", log).spec().build())
                .child(significant(Worker.named("tmp", log), RestartType.TEMPORARY))
                .build());
        awaitEvents(log, "start:a", "start:tmp");
        log.pid("tmp").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        awaitEvents(log, "start:a", "start:tmp", "stop:tmp", "stop:a");
        assertInstanceOf(SupervisorReport.ChildTerminated.class, reportsSoFar(reports).getFirst());
    }

    @Test
    void allSignificantWaitsForTheLastSignificantChild() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ALL_SIGNIFICANT)
                .child(Worker.named("a", log).spec().build())
                .child(significant(Worker.named("s1", log), RestartType.TRANSIENT))
                .child(significant(Worker.named("s2", log), RestartType.TEMPORARY))
                .build());
        awaitEvents(log, "start:a", "start:s1", "start:s2");
        Pid a = log.pid("a");
        Pid s2 = log.pid("s2");

        log.pid("s1").<Worker.Cmd>ref().tell(new Worker.Exit(ExitReason.shutdown("done")));
        awaitChildren(sup, List.of(started("s2", s2), undefined("s1"), started("a", a)));
        assertTrue(sup.isAlive());

        s2.<Worker.Cmd>ref().tell(new Worker.Stop());
        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        awaitEvents(log, "start:a", "start:s1", "start:s2", "stop:s1", "stop:s2", "stop:a");
    }

    @Test
    void terminateChildOfASignificantChildDoesNotTriggerIt() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(significant(Worker.named("s", log), RestartType.TRANSIENT))
                .build());
        awaitEvents(log, "start:s");
        assertEquals(new Reply.Ok(), result(sup(sup).terminateChild("s")));
        assertTrue(sup.isAlive());
        assertEquals(List.of(undefined("s")), result(sup(sup).whichChildren()));
    }

    @Test
    void aNonSignificantChildDoesNotTriggerIt() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(Worker.named("t", log).spec().restart(RestartType.TRANSIENT).build())
                .child(significant(Worker.named("s", log), RestartType.TRANSIENT))
                .build());
        awaitEvents(log, "start:t", "start:s");
        log.pid("t").<Worker.Cmd>ref().tell(new Worker.Stop());
        awaitChildren(sup, List.of(started("s", log.pid("s")), undefined("t")));
        assertTrue(sup.isAlive());
    }

    @Test
    void simpleOneForOneAllSignificantEndsWithTheLastDynamicChild() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE)
                .autoShutdown(AutoShutdown.ALL_SIGNIFICANT)
                .child(ChildSpec.builder("dyn").restart(RestartType.TRANSIENT).significant(true)
                        .startWith(args -> Worker.named((String) args.getFirst(), log).init()).build())
                .build());
        Pid x = assertInstanceOf(Reply.Started.class, result(sup(sup).startChild(List.of("x")))).pid();
        Pid y = assertInstanceOf(Reply.Started.class, result(sup(sup).startChild(List.of("y")))).pid();

        x.<Worker.Cmd>ref().tell(new Worker.Stop());
        awaitChildren(sup, List.of(dynamicChild(y)));
        assertTrue(sup.isAlive());

        y.<Worker.Cmd>ref().tell(new Worker.Stop());
        assertEquals(ExitReason.shutdown(), awaitExit(sup));
    }

    @Test
    void autoShutdownCascadesThroughSignificantSupervisors() {
        EventLog log = new EventLog();
        SupervisorSpec inner = SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(Worker.named("x", log).spec().build())
                .child(significant(Worker.named("s", log), RestartType.TRANSIENT))
                .build();
        Pid outer = startSupervisor(SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT)
                .child(Worker.named("a", log).spec().build())
                .child(ChildSpec.supervisor("inner", inner).toBuilder()
                        .restart(RestartType.TRANSIENT).significant(true).build())
                .build());
        awaitEvents(log, "start:a", "start:x", "start:s");

        log.pid("s").<Worker.Cmd>ref().tell(new Worker.Stop());

        assertEquals(ExitReason.shutdown(), awaitExit(outer));
        awaitEvents(log, "start:a", "start:x", "start:s", "stop:s", "stop:x", "stop:a");
    }
}
