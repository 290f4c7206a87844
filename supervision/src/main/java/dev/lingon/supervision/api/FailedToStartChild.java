package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * The term of a supervisor's {@code {shutdown, {failed_to_start_child, Id, Reason}}} exit: a child could not
 * be started while the supervisor initialised, so the children already started were stopped (in reverse
 * start order) and the supervisor gave up.
 *
 * <p>Immutable; safe to share between threads.
 */
public record FailedToStartChild(String id, ExitReason reason) {
    public FailedToStartChild {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "{failed_to_start_child," + id + "," + reason + "}";
    }
}
