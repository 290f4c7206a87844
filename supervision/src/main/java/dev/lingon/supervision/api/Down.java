package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * {@code {'DOWN', Ref, process, Pid, Reason}}: the one message a monitor delivers when the monitored
 * process exits ({@code noproc} when it was already gone).
 *
 * <p>Immutable; safe to share between threads.
 */
public record Down(MonitorRef ref, Pid pid, ExitReason reason) {
    public Down {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(reason, "reason");
    }
}
