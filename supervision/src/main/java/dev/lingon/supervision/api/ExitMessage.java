package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * {@code {'EXIT', From, Reason}}: an exit signal turned into a message because the receiver traps exits.
 * It comes from a linked process that exited, or from an explicit {@code exit(Pid, Reason)}.
 *
 * <p>Immutable; safe to share between threads.
 */
public record ExitMessage(Pid from, ExitReason reason) {
    public ExitMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(reason, "reason");
    }
}
