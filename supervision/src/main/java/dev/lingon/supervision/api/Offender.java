package dev.lingon.supervision.api;

import java.util.List;
import java.util.Objects;

/**
 * The child a supervisor report is about: OTP's {@code offender} list (pid, id, restart type, significant,
 * shutdown, child type). {@code pids} holds one pid, none when the child had no process, or several for the
 * stacked shutdown errors of a simple_one_for_one supervisor (OTP's {@code nb_children}).
 *
 * <p>Immutable; safe to share between threads.
 */
public record Offender(String id, List<Pid> pids, RestartType restart, boolean significant, Shutdown shutdown,
                       ChildType type) {

    public Offender {
        Objects.requireNonNull(id, "id");
        pids = List.copyOf(pids);
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(type, "type");
    }

    public static Offender of(ChildSpec spec, List<Pid> pids) {
        return new Offender(spec.id(), pids, spec.restart(), spec.significant(), spec.shutdown(), spec.type());
    }

    @Override
    public String toString() {
        String pid = pids.size() == 1 ? "pid=" + pids.getFirst()
                : pids.isEmpty() ? "pid=undefined" : "nb_children=" + pids.size();
        return "[" + pid + ",id=" + id + ",restart_type=" + restart.otpName() + ",significant=" + significant
                + ",shutdown=" + shutdown + ",child_type=" + type.otpName() + "]";
    }
}
