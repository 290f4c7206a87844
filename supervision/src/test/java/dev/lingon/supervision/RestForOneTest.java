package dev.lingon.supervision;

import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rest_for_one: the children started after the one that exited are stopped (reverse order), then it and
 * they are started again (start order); the children before it are untouched.
 */
class RestForOneTest extends SupervisionTestBase {

    @Test
    void restartsTheChildAndThoseStartedAfterIt() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.REST_FOR_ONE).intensity(10)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .child(Worker.named("c", log).spec().build())
                .child(Worker.named("d", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:b", "start:c", "start:d");
        Pid a = log.pid("a");

        log.pid("b").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        awaitEvents(log, "start:a", "start:b", "start:c", "start:d",
                "stop:b", "stop:d", "stop:c", "start:b", "start:c", "start:d");
        awaitChildren(sup, List.of(started("d", log.pid("d")), started("c", log.pid("c")),
                started("b", log.pid("b")), started("a", a)));
    }

    @Test
    void theLastChildRestartsAlone() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.REST_FOR_ONE).intensity(10)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:b");
        Pid a = log.pid("a");

        log.pid("b").<Worker.Cmd>ref().tell(new Worker.Exit(ExitReason.normal()));

        awaitEvents(log, "start:a", "start:b", "stop:b", "start:b");
        awaitChildren(sup, List.of(started("b", log.pid("b")), started("a", a)));
    }

    @Test
    void temporaryChildrenAfterTheFailedOneAreDropped() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.REST_FOR_ONE).intensity(10)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("tmp-before", log).spec().restart(RestartType.TEMPORARY).build())
                .child(Worker.named("b", log).spec().restart(RestartType.TRANSIENT).build())
                .child(Worker.named("tmp-after", log).spec().restart(RestartType.TEMPORARY).build())
                .child(Worker.named("c", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:tmp-before", "start:b", "start:tmp-after", "start:c");
        Pid a = log.pid("a");
        Pid tmpBefore = log.pid("tmp-before");

        log.pid("b").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        awaitEvents(log, "start:a", "start:tmp-before", "start:b", "start:tmp-after", "start:c",
                "stop:b", "stop:c", "stop:tmp-after", "start:b", "start:c");
        awaitChildren(sup, List.of(started("c", log.pid("c")), started("b", log.pid("b")),
                started("tmp-before", tmpBefore), started("a", a)));
        assertEquals(1, log.count("start:tmp-after"));
    }

    @ParameterizedTest(name = "{0} child exits {1}")
    @CsvSource({"PERMANENT,normal", "PERMANENT,crash", "TRANSIENT,normal", "TRANSIENT,crash",
            "TEMPORARY,normal", "TEMPORARY,crash"})
    void restartTypeDecidesWhetherTheRestAreRestarted(RestartType type, String how) {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.REST_FOR_ONE).intensity(10)
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
            awaitEvents(log, "start:a", "start:w", "start:c", "stop:w", "stop:c", "start:w", "start:c");
            awaitChildren(sup, List.of(started("c", log.pid("c")), started("w", log.pid("w")), started("a", a)));
        } else {
            awaitChildren(sup, type == RestartType.TRANSIENT
                    ? List.of(started("c", c), undefined("w"), started("a", a))
                    : List.of(started("c", c), started("a", a)));
            assertEquals(List.of("start:a", "start:w", "start:c", "stop:w"), log.events());
        }
    }
}
