package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * SASL-like supervisor reports: published on the event stream as values, and logged through SLF4J with
 * structured key-values (supervisor, errorContext, reason, offender).
 */
class ReportTest extends SupervisionTestBase {

    private final Logger reportLogger = (Logger) LoggerFactory.getLogger("dev.lingon.supervision.report");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;
    private boolean additive;

    @BeforeEach
    void captureReportLog() {
        previous = reportLogger.getLevel();
        additive = reportLogger.isAdditive();
        reportLogger.setLevel(Level.INFO);
        reportLogger.setAdditive(false);
        appender.list.clear();
        appender.start();
        reportLogger.addAppender(appender);
    }

    @AfterEach
    void restoreReportLog() {
        reportLogger.detachAppender(appender);
        reportLogger.setLevel(previous);
        reportLogger.setAdditive(additive);
    }

    private static Map<String, String> fields(ILoggingEvent event) {
        return event.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
    }

    @Test
    void reportsArePublishedAndLoggedWithStructuredFields() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        ChildSpec spec = Worker.named("w", log).spec().build();
        Pid sup = startSupervisor(SupervisorSpec.builder().child(spec).build());
        Pid w1 = awaitStarted(log, "w", 1);

        w1.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        Pid w2 = awaitStarted(log, "w", 2);
        // The child logs its start in its init; the supervisor reports it once the init ack is back.
        awaitChildren(sup, List.of(started("w", w2)));

        ExitReason reason = ExitReason.error(new Worker.WorkerCrash("boom"));
        assertEquals(List.of(
                new SupervisorReport.ChildStarted(sup, Offender.of(spec, List.of(w1))),
                new SupervisorReport.ChildTerminated(sup, Offender.of(spec, List.of(w1)), reason),
                new SupervisorReport.ChildStarted(sup, Offender.of(spec, List.of(w2)))),
                reportsSoFar(reports, true));

        List<ILoggingEvent> logged = List.copyOf(appender.list);
        assertEquals(List.of(Level.INFO, Level.ERROR, Level.INFO), logged.stream().map(ILoggingEvent::getLevel).toList());
        Map<String, String> progress = fields(logged.get(0));
        assertEquals(sup.toString(), progress.get("supervisor"));
        assertEquals("progress", progress.get("errorContext"));
        assertEquals(Offender.of(spec, List.of(w1)).toString(), progress.get("started"));

        Map<String, String> terminated = fields(logged.get(1));
        assertEquals(sup.toString(), terminated.get("supervisor"));
        assertEquals("child_terminated", terminated.get("errorContext"));
        assertEquals(reason.toString(), terminated.get("reason"));
        assertEquals(Offender.of(spec, List.of(w1)).toString(), terminated.get("offender"));
        assertNotNull(logged.get(1).getThrowableProxy(), "a crash is logged with its exception");
        assertEquals(List.of("supervisor", "errorContext", "reason", "offender"),
                logged.get(1).getKeyValuePairs().stream().map((KeyValuePair kv) -> kv.key).toList());
    }

    @Test
    void reachedMaxRestartIntensityIsAShutdownReport() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        Pid sup = startSupervisor(SupervisorSpec.builder().intensity(0).child(Worker.named("w", log).spec().build()).build());
        awaitStarted(log, "w", 1).<Worker.Cmd>ref().tell(new Worker.Stop());
        assertEquals(ExitReason.shutdown(), awaitExit(sup));

        List<SupervisorReport> got = reportsSoFar(reports);
        assertInstanceOf(SupervisorReport.MaxRestartIntensityReached.class, got.get(1));
        ILoggingEvent last = appender.list.getLast();
        assertEquals(Level.ERROR, last.getLevel());
        assertEquals("shutdown", fields(last).get("errorContext"));
        assertEquals("reached_max_restart_intensity", fields(last).get("reason"));
    }
}
