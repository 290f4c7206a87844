package dev.lingon.supervision;

import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
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
 * one_for_all: when a child is to be restarted, the others are stopped in reverse start order and all are
 * started again in start order; temporary children are stopped and not restarted.
 */
class OneForAllTest extends SupervisionTestBase {

    private Pid supervisor(EventLog log, Worker... workers) {
        SupervisorSpec.Builder spec = SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ALL).intensity(10);
        for (Worker w : workers) {
            spec.child(w.spec().build());
        }
        return startSupervisor(spec.build());
    }

    @Test
    void stopsTheOthersInReverseOrderThenStartsAllInOrder() {
        EventLog log = new EventLog();
        Pid sup = supervisor(log, Worker.named("a", log), Worker.named("b", log), Worker.named("c", log),
                Worker.named("d", log));
        awaitEvents(log, "start:a", "start:b", "start:c", "start:d");

        log.pid("b").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        awaitEvents(log, "start:a", "start:b", "start:c", "start:d",
                "stop:b",
                "stop:d", "stop:c", "stop:a",
                "start:a", "start:b", "start:c", "start:d");
        awaitChildren(sup, List.of(started("d", log.pid("d")), started("c", log.pid("c")),
                started("b", log.pid("b")), started("a", log.pid("a"))));
    }

    @Test
    void temporarySiblingIsStoppedAndNotRestarted() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ALL).intensity(10)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("tmp", log).spec().restart(RestartType.TEMPORARY).build())
                .child(Worker.named("c", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:tmp", "start:c");
        Pid tmp = log.pid("tmp");

        log.pid("a").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        awaitEvents(log, "start:a", "start:tmp", "start:c", "stop:a", "stop:c", "stop:tmp", "start:a", "start:c");
        assertEquals(ExitReason.shutdown(), tmp.exitReason().orElseThrow(), "stopped by the supervisor");
        awaitChildren(sup, List.of(started("c", log.pid("c")), started("a", log.pid("a"))));
    }

    @Test
    void aChildThatIsNotRestartedDoesNotAffectTheOthers() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ALL)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("t", log).spec().restart(RestartType.TRANSIENT).build())
                .child(Worker.named("tmp", log).spec().restart(RestartType.TEMPORARY).build())
                .build());
        awaitEvents(log, "start:a", "start:t", "start:tmp");
        Pid a = log.pid("a");

        log.pid("t").<Worker.Cmd>ref().tell(new Worker.Exit(ExitReason.shutdown()));
        awaitChildren(sup, List.of(started("tmp", log.pid("tmp")), undefined("t"), started("a", a)));
        log.pid("tmp").<Worker.Cmd>ref().tell(new Worker.Crash("temporary crash"));
        awaitChildren(sup, List.of(undefined("t"), started("a", a)));

        assertEquals(List.of("start:a", "start:t", "start:tmp", "stop:t", "stop:tmp"), log.events());
    }

    @Test
    void whenAnotherChildFailsToRestartTheSupervisorTriesAgain() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Worker b = Worker.named("b", log);
        Pid sup = supervisor(log, Worker.named("a", log), b, Worker.named("c", log));
        awaitEvents(log, "start:a", "start:b", "start:c");

        b.failNextStarts(1);
        log.pid("a").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        // First round: b fails, so b is left restarting; the retry is a second full one_for_all restart.
        awaitEvents(log, "start:a", "start:b", "start:c",
                "stop:a", "stop:c", "stop:b",
                "start:a", "failed-start:b",
                "stop:a",
                "start:a", "start:b", "start:c");
        awaitChildren(sup, List.of(started("c", log.pid("c")), started("b", log.pid("b")), started("a", log.pid("a"))));
        List<SupervisorReport> got = reportsSoFar(reports);
        assertEquals(2, got.size(), got.toString());
        assertInstanceOf(SupervisorReport.ChildTerminated.class, got.get(0));
        SupervisorReport.StartError startError = assertInstanceOf(SupervisorReport.StartError.class, got.get(1));
        assertEquals("b", startError.offender().id());
    }

    @ParameterizedTest(name = "{0} child exits {1}")
    @CsvSource({"PERMANENT,normal", "PERMANENT,crash", "TRANSIENT,normal", "TRANSIENT,crash",
            "TEMPORARY,normal", "TEMPORARY,crash"})
    void restartTypeDecidesWhetherAllAreRestarted(RestartType type, String how) {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ALL).intensity(10)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("w", log).spec().restart(type).build())
                .child(Worker.named("c", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:w", "start:c");
        Pid a = log.pid("a");
        Pid c = log.pid("c");

        log.pid("w").<Worker.Cmd>ref().tell(how.equals("crash") ? new Worker.Crash("boom") : new Worker.Stop());

        boolean restarted = type == RestartType.PERMANENT || type == RestartType.TRANSIENT && how.equals("crash");
        if (restarted) {
            awaitEvents(log, "start:a", "start:w", "start:c", "stop:w", "stop:c", "stop:a", "start:a", "start:w", "start:c");
            awaitChildren(sup, List.of(started("c", log.pid("c")), started("w", log.pid("w")), started("a", log.pid("a"))));
        } else {
            awaitChildren(sup, type == RestartType.TRANSIENT
                    ? List.of(started("c", c), undefined("w"), started("a", a))
                    : List.of(started("c", c), started("a", a)));
            assertEquals(List.of("start:a", "start:w", "start:c", "stop:w"), log.events());
        }
    }
}
