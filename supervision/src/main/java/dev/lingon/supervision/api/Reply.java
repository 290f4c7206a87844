package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * The answers of supervisor calls, OTP's return values as records. One record may answer several calls
 * (e.g. {@link NotFound}); each call's result type is a sealed interface listing exactly its answers, so a
 * switch over it is exhaustive.
 *
 * <p>Immutable; safe to share between threads.
 */
public final class Reply {

    private Reply() {
    }

    /** {@code {ok, Pid}}. */
    public record Started(Pid pid) implements StartResult, StartChildResult, RestartChildResult {
        public Started {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /** {@code ignore} from a start, i.e. {@code {ok, undefined}} from start_child and restart_child. */
    public record Ignored() implements StartResult, StartChildResult, RestartChildResult {
    }

    /** {@code {error, Reason}}: the start failed (init crashed or exited) with this reason. */
    public record Failed(ExitReason reason) implements StartResult, StartChildResult, RestartChildResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** {@code {error, {already_started, Pid}}}. */
    public record AlreadyStarted(Pid pid) implements StartChildResult {
        public AlreadyStarted {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /** {@code {error, already_present}}: the spec is kept but has no process; use restart_child. */
    public record AlreadyPresent() implements StartChildResult {
    }

    /**
     * {@code {error, What}} from the child spec check: a spec the supervisor cannot accept (a significant
     * child under auto_shutdown never, a spec given to a simple_one_for_one supervisor or arguments to
     * another one).
     */
    public record BadChildSpec(String problem) implements StartChildResult {
        public BadChildSpec {
            Objects.requireNonNull(problem, "problem");
        }
    }

    /** {@code ok}. */
    public record Ok() implements TerminateChildResult, DeleteChildResult {
    }

    /** {@code {error, running}}. */
    public record Running() implements RestartChildResult, DeleteChildResult {
    }

    /** {@code {error, restarting}}. */
    public record Restarting() implements RestartChildResult, DeleteChildResult {
    }

    /** {@code {error, not_found}}. */
    public record NotFound() implements TerminateChildResult, RestartChildResult, DeleteChildResult {
    }

    /** {@code {error, simple_one_for_one}}: the call is not valid for a simple_one_for_one supervisor. */
    public record SimpleOneForOne() implements TerminateChildResult, RestartChildResult, DeleteChildResult {
    }
}
