package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OneForOneTest extends SupervisionTestBase {

    @Test
    void restartsOnlyTheChildThatCrashed() {
        EventLog log = new EventLog();
        Pid sup = startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE).intensity(5)
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .build());
        awaitEvents(log, "start:a", "start:b");
        Pid a1 = log.pid("a");
        Pid b1 = log.pid("b");

        a1.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));

        awaitEvents(log, "start:a", "start:b", "stop:a", "start:a");
        assertNotSame(a1, log.pid("a"));
        List<ChildInfo> children = result(sup(sup).whichChildren());
        assertEquals(List.of(
                new ChildInfo(Optional.of("b"), new ChildInfo.Started(b1), dev.lingon.supervision.api.ChildType.WORKER),
                new ChildInfo(Optional.of("a"), new ChildInfo.Started(log.pid("a")), dev.lingon.supervision.api.ChildType.WORKER)),
                children);

        result(sup(sup).stop());
        awaitEvents(log, "start:a", "start:b", "stop:a", "start:a", "stop:b", "stop:a");
    }
}
