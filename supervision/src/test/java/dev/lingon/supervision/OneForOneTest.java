package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Processes;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** one_for_one: only the child that exited is affected; each restart type × each way of exiting. */
class OneForOneTest extends SupervisionTestBase {

    /** How a child is made to exit, and the reason it exits with. */
    enum Exit {
        NORMAL(ExitReason.normal()),
        SHUTDOWN(ExitReason.shutdown()),
        SHUTDOWN_TERM(ExitReason.shutdown("done")),
        CRASH(ExitReason.error(new Worker.WorkerCrash("boom"))),
        KILLED(ExitReason.killed());

        final ExitReason reason;

        Exit(ExitReason reason) {
            this.reason = reason;
        }

        void perform(Pid pid) {
            switch (this) {
                case NORMAL -> pid.<Worker.Cmd>ref().tell(new Worker.Stop());
                case SHUTDOWN, SHUTDOWN_TERM -> pid.<Worker.Cmd>ref().tell(new Worker.Exit(reason));
                case CRASH -> pid.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
                case KILLED -> Processes.sendExit(pid, ExitReason.kill());
            }
        }
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (RestartType type : RestartType.values()) {
            for (Exit exit : Exit.values()) {
                rows.add(Arguments.of(type, exit));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} child exits {1}")
    @MethodSource("matrix")
    void restartTypeTimesExitReason(RestartType type, Exit exit) {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE).intensity(10)
                .child(Worker.named("other", log).spec().build())
                .child(Worker.named("w", log).spec().restart(type).build())
                .build());
        awaitEvents(log, "start:other", "start:w");
        Pid other = log.pid("other");
        Pid w = log.pid("w");

        exit.perform(w);
        assertEquals(exit.reason, awaitExit(w));

        boolean restarted = type == RestartType.PERMANENT
                || type == RestartType.TRANSIENT && exit.reason.isAbnormal();
        if (restarted) {
            Pid w2 = awaitStarted(log, "w", 2);
            assertNotSame(w, w2);
            awaitChildren(sup, List.of(started("w", w2), started("other", other)));
        } else if (type == RestartType.TRANSIENT) {
            awaitChildren(sup, List.of(undefined("w"), started("other", other)));
        } else {
            awaitChildren(sup, List.of(started("other", other)));
        }
        assertEquals(List.of("start:other", "start:w", "stop:w"), log.events().subList(0, 3));
        assertEquals(restarted ? 2 : 1, log.count("start:w"));
        assertEquals(1, log.count("start:other"), "the sibling is untouched");

        List<SupervisorReport> expected = exit.reason.isAbnormal() || type == RestartType.PERMANENT
                ? List.of(new SupervisorReport.ChildTerminated(sup, Offender.of(
                        Worker.named("w", log).spec().restart(type).build(), List.of(w)), exit.reason))
                : List.of();
        assertEquals(expected, reportsSoFar(reports));
        result(sup(sup).stop());
    }

    @Test
    void restartedChildReplacesTheOldOneInPlace() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE).intensity(5)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .child(Worker.named("c", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:b", "start:c");
        Pid a = log.pid("a");
        Pid c = log.pid("c");

        log.pid("b").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        Pid b2 = awaitStarted(log, "b", 2);
        awaitEvents(log, "start:a", "start:b", "start:c", "stop:b", "start:b");
        List<ChildInfo> children = result(sup(sup).whichChildren());
        assertEquals(List.of(started("c", c), started("b", b2), started("a", a)), children,
                "which_children lists the newest first; a restart keeps the child's place");

        result(sup(sup).stop());
        awaitEvents(log, "start:a", "start:b", "start:c", "stop:b", "start:b", "stop:c", "stop:b", "stop:a");
        assertTrue(log.events().size() == 8);
    }
}
