package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.SupervisorReport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes supervisor reports the way SASL does, to SLF4J with structured key-values, and publishes them on
 * the actor system's event stream for tests and dashboards.
 *
 * <p>Stateless; called from supervisor actors.
 */
final class Reports {

    static final Logger LOG = LoggerFactory.getLogger("dev.lingon.supervision.report");

    private Reports() {
    }

    static void publish(ActorSystem<?> system, SupervisorReport report) {
        log(report);
        system.eventStream().tell(new EventStream.Publish<>(report));
    }

    private static void log(SupervisorReport report) {
        switch (report) {
            case SupervisorReport.ChildStarted r -> {
                if (LOG.isInfoEnabled()) {
                    LOG.atInfo().addKeyValue("supervisor", r.supervisor()).addKeyValue("errorContext", r.errorContext())
                            .addKeyValue("started", r.offender())
                            .log("PROGRESS REPORT supervisor: {} started: {}", r.supervisor(), r.offender());
                }
            }
            case SupervisorReport.StartError r -> error(r, r.reason());
            case SupervisorReport.ChildTerminated r -> error(r, r.reason());
            case SupervisorReport.ShutdownError r -> error(r, r.reason());
            case SupervisorReport.MaxRestartIntensityReached r -> {
                if (LOG.isErrorEnabled()) {
                    LOG.atError().addKeyValue("supervisor", r.supervisor()).addKeyValue("errorContext", r.errorContext())
                            .addKeyValue("reason", r.reason()).addKeyValue("offender", r.offender())
                            .log("SUPERVISOR REPORT supervisor: {} errorContext: {} reason: {} offender: {}",
                                    r.supervisor(), r.errorContext(), r.reason(), r.offender());
                }
            }
        }
    }

    private static void error(SupervisorReport r, ExitReason reason) {
        if (!LOG.isErrorEnabled()) {
            return;
        }
        LoggingEventBuilder event = LOG.atError().addKeyValue("supervisor", r.supervisor())
                .addKeyValue("errorContext", r.errorContext()).addKeyValue("reason", reason)
                .addKeyValue("offender", r.offender());
        if (reason instanceof ExitReason.Error(Throwable cause)) {
            event = event.setCause(cause);
        }
        event.log("SUPERVISOR REPORT supervisor: {} errorContext: {} reason: {} offender: {}",
                r.supervisor(), r.errorContext(), reason, r.offender());
    }
}
