package dev.lingon.supervision.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code which_children}: {@code {Id, Child, Type, Modules}} without modules. The id is empty
 * for the children of a simple_one_for_one supervisor (OTP's {@code undefined}).
 *
 * <p>Immutable; safe to share between threads.
 */
public record ChildInfo(Optional<String> id, Child child, ChildType type) {

    public ChildInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(type, "type");
    }

    /** The child's process as the supervisor knows it. */
    public sealed interface Child {
    }

    /** A pid: the process the supervisor started (it may have exited and its EXIT not been handled yet). */
    public record Started(Pid pid) implements Child {
        public Started {
            Objects.requireNonNull(pid, "pid");
        }
    }

    /** {@code restarting}: a restart failed and the supervisor will try again. */
    public record Restarting() implements Child {
    }

    /** {@code undefined}: the spec is kept but has no process (terminated, ignored, or transient that exited). */
    public record Undefined() implements Child {
    }

    /** The pid, if the entry has one. */
    public Optional<Pid> pid() {
        return child instanceof Started(Pid pid) ? Optional.of(pid) : Optional.empty();
    }
}
