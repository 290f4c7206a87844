package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * The exception {@link Processes#exit(ExitReason)} raises, like {@code erlang:exit/1}: it unwinds the
 * process's handler and the runtime ends the process with {@link #reason()}. Thrown from a process's init it
 * makes the start fail with that reason. It carries no stack trace; it is control flow, not an error.
 */
public final class ProcessExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ExitReason reason;

    public ProcessExit(ExitReason reason) {
        super("exit(" + reason + ")", null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ExitReason reason() {
        return reason;
    }
}
