package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.IntensityWindow;
import dev.lingon.supervision.api.MonotonicClock;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;

/**
 * The restart intensity: keep the restarts R with R >= Now - Period (whole seconds, inclusive), add Now;
 * more than intensity and the supervisor stops its children and exits with shutdown. Exactly at and just
 * past the boundary, on virtual time.
 */
class RestartIntensityTest extends SupervisionTestBase {

    // ---- the pure window ----

    @Test
    void windowKeepsRestartsWithinThePeriodInclusive() {
        IntensityWindow w = IntensityWindow.of(1, 5);
        IntensityWindow.Outcome first = w.addRestart(100);
        assertFalse(first.exceeded());
        assertEquals(List.of(100L), first.window().restarts());

        IntensityWindow.Outcome atBoundary = first.window().addRestart(105);
        assertTrue(atBoundary.exceeded(), "100 >= 105 - 5 still counts");
        assertEquals(List.of(105L, 100L), atBoundary.window().restarts());

        IntensityWindow.Outcome past = first.window().addRestart(106);
        assertFalse(past.exceeded(), "100 < 106 - 5 no longer counts");
        assertEquals(List.of(106L), past.window().restarts());
    }

    @Test
    void intensityZeroExceedsOnTheFirstRestart() {
        assertTrue(IntensityWindow.of(0, 1).addRestart(0).exceeded());
    }

    @Test
    void windowStopsAtTheFirstRestartThatIsTooOld() {
        // OTP's takewhile over newest-first restarts: anything behind an old entry is dropped too.
        IntensityWindow w = new IntensityWindow(10, 5, List.of(20L, 10L, 19L));
        assertEquals(List.of(21L, 20L), w.addRestart(21).window().restarts());
    }

    @Test
    void clockSecondsRoundDownLikeErlangMonotonicTime() {
        assertEquals(1, ((MonotonicClock) () -> 1_999_999_999L).seconds());
        assertEquals(-1, ((MonotonicClock) () -> -1L).seconds());
    }

    @Test
    void invalidWindowsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> IntensityWindow.of(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> IntensityWindow.of(1, 0));
    }

    // ---- live supervisors on the manual clock ----

    private Pid supervisor(EventLog log, int intensity, int periodSeconds) {
        return startSupervisor(SupervisorSpec.builder().intensity(intensity).period(Duration.ofSeconds(periodSeconds))
                .child(Worker.named("a", log).spec().build())
                .child(Worker.named("b", log).spec().build())
                .build());
    }

    private static void crash(EventLog log, String name) {
        log.pid(name).<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
    }

    @Test
    void secondRestartExactlyAtThePeriodBoundaryEndsTheSupervisor() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Pid sup = supervisor(log, 1, 5);
        awaitEvents(log, "start:a", "start:b");

        crash(log, "a");
        awaitStarted(log, "a", 2);
        runtime.advance(Duration.ofSeconds(5));
        Pid a2 = log.pid("a");
        crash(log, "a");

        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        awaitEvents(log, "start:a", "start:b", "stop:a", "start:a", "stop:a", "stop:b");
        List<SupervisorReport> got = reportsSoFar(reports);
        assertEquals(3, got.size(), got.toString());
        assertInstanceOf(SupervisorReport.ChildTerminated.class, got.get(0));
        assertInstanceOf(SupervisorReport.ChildTerminated.class, got.get(1));
        SupervisorReport.MaxRestartIntensityReached reached =
                assertInstanceOf(SupervisorReport.MaxRestartIntensityReached.class, got.get(2));
        assertEquals(List.of(a2), reached.offender().pids());
        assertEquals("shutdown", reached.errorContext());
        assertEquals("reached_max_restart_intensity", reached.reason());
    }

    @Test
    void secondRestartJustPastThePeriodIsAllowed() {
        EventLog log = new EventLog();
        Pid sup = supervisor(log, 1, 5);
        awaitEvents(log, "start:a", "start:b");

        crash(log, "a");
        awaitStarted(log, "a", 2);
        runtime.advance(Duration.ofSeconds(6));
        crash(log, "a");
        awaitStarted(log, "a", 3);

        assertTrue(sup.isAlive());
        awaitChildren(sup, List.of(started("b", log.pid("b")), started("a", log.pid("a"))));
    }

    @Test
    void intensityCountsEveryChildsRestarts() {
        EventLog log = new EventLog();
        Pid sup = supervisor(log, 3, 10);
        awaitEvents(log, "start:a", "start:b");

        crash(log, "a");
        awaitStarted(log, "a", 2);
        runtime.advance(Duration.ofSeconds(3));
        crash(log, "b");
        awaitStarted(log, "b", 2);
        runtime.advance(Duration.ofSeconds(3));
        crash(log, "a");
        awaitStarted(log, "a", 3);
        runtime.advance(Duration.ofSeconds(4));
        // Restarts at 0, 3, 6 and now 10: 0 >= 10 - 10 still counts, 4 > 3.
        crash(log, "b");

        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        assertEquals(2, log.count("start:b"));
    }

    @Test
    void intensityZeroGivesUpOnTheFirstExit() {
        EventLog log = new EventLog();
        Pid sup = supervisor(log, 0, 1);
        awaitEvents(log, "start:a", "start:b");
        crash(log, "b");
        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        awaitEvents(log, "start:a", "start:b", "stop:b", "stop:a");
    }

    @Test
    void aRestartThatFailsIsRetriedAndEachRetryCounts() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Worker a = Worker.named("a", log);
        Pid sup = startSupervisor(SupervisorSpec.builder().intensity(2).child(a.spec().build()).build());
        awaitEvents(log, "start:a");

        a.failNextStarts(100);
        crash(log, "a");

        assertEquals(ExitReason.shutdown(), awaitExit(sup));
        // Restart 1 fails, the retry (restart 2) fails, the next retry would be restart 3 > 2.
        awaitEvents(log, "start:a", "stop:a", "failed-start:a", "failed-start:a");
        List<SupervisorReport> got = reportsSoFar(reports);
        assertEquals(List.of(SupervisorReport.ChildTerminated.class, SupervisorReport.StartError.class,
                SupervisorReport.StartError.class, SupervisorReport.MaxRestartIntensityReached.class),
                got.stream().map(Object::getClass).toList());
    }
}
