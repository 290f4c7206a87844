package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * What a supervisor does when a child exits by itself (supervisor.erl's {@code do_restart}): restart it,
 * keep its spec without a process, or delete its spec; and whether it writes a {@code child_terminated}
 * report. When the child is not restarted the auto_shutdown check runs.
 *
 * <p>Immutable; safe to share between threads.
 */
public record RestartDecision(Action action, boolean reported) {

    public RestartDecision {
        Objects.requireNonNull(action, "action");
    }

    public enum Action {
        /** Restart (counts against the intensity). */
        RESTART,
        /** Not restarted; the spec stays, without a process (transient after a normal-like exit). */
        KEEP,
        /** Not restarted; the spec is deleted (temporary). */
        DELETE
    }

    public boolean restarts() {
        return action == Action.RESTART;
    }
}
