package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * A supervisor report, as SASL writes them: a progress report when a child starts, and error reports with
 * OTP's {@code errorContext} ({@code start_error}, {@code child_terminated}, {@code shutdown_error},
 * {@code shutdown}). Each report is logged through SLF4J (logger {@code dev.lingon.supervision.report},
 * progress at INFO and errors at ERROR, with key-value fields {@code supervisor}, {@code errorContext},
 * {@code reason}, {@code offender}) and published on the actor system's event stream: subscribe with
 * {@code EventStream.Subscribe(SupervisorReport.class, ref)}.
 *
 * <p>As in OTP, children of a simple_one_for_one supervisor get no progress report, and a child that exits
 * with {@code normal}, {@code shutdown} or {@code {shutdown,_}} and is not restarted gets no report.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface SupervisorReport {

    /** The supervisor that wrote the report. */
    Pid supervisor();

    Offender offender();

    /** OTP's errorContext, or {@code progress}. */
    String errorContext();

    /** {@code PROGRESS REPORT}: a child started. */
    record ChildStarted(Pid supervisor, Offender offender) implements SupervisorReport {
        public ChildStarted {
            Objects.requireNonNull(supervisor, "supervisor");
            Objects.requireNonNull(offender, "offender");
        }

        @Override
        public String errorContext() {
            return "progress";
        }
    }

    /** {@code start_error}: starting (or restarting) a child failed. */
    record StartError(Pid supervisor, Offender offender, ExitReason reason) implements SupervisorReport {
        public StartError {
            Objects.requireNonNull(supervisor, "supervisor");
            Objects.requireNonNull(offender, "offender");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String errorContext() {
            return "start_error";
        }
    }

    /** {@code child_terminated}: a child exited by itself with a reason that gets reported. */
    record ChildTerminated(Pid supervisor, Offender offender, ExitReason reason) implements SupervisorReport {
        public ChildTerminated {
            Objects.requireNonNull(supervisor, "supervisor");
            Objects.requireNonNull(offender, "offender");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String errorContext() {
            return "child_terminated";
        }
    }

    /** {@code shutdown_error}: a child stopped by the supervisor exited with an unexpected reason. */
    record ShutdownError(Pid supervisor, Offender offender, ExitReason reason) implements SupervisorReport {
        public ShutdownError {
            Objects.requireNonNull(supervisor, "supervisor");
            Objects.requireNonNull(offender, "offender");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String errorContext() {
            return "shutdown_error";
        }
    }

    /**
     * errorContext {@code shutdown}, reason {@code reached_max_restart_intensity}: the supervisor gives up,
     * stops its children and exits with {@code shutdown}.
     */
    record MaxRestartIntensityReached(Pid supervisor, Offender offender) implements SupervisorReport {
        public MaxRestartIntensityReached {
            Objects.requireNonNull(supervisor, "supervisor");
            Objects.requireNonNull(offender, "offender");
        }

        @Override
        public String errorContext() {
            return "shutdown";
        }

        public String reason() {
            return "reached_max_restart_intensity";
        }
    }
}
