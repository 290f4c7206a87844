package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * The reference of one monitor, as {@code erlang:monitor/2} returns it; the {@link Down} message of that
 * monitor carries the same reference. Each call to {@link ProcessContext#monitor} creates a distinct one.
 *
 * <p>Immutable; safe to share between threads.
 */
public record MonitorRef(long id, Pid target) {
    public MonitorRef {
        Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return "#Ref<" + id + ">";
    }
}
