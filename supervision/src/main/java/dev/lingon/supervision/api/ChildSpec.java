package dev.lingon.supervision.api;

import java.util.Objects;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A child specification, with OTP's defaults: restart {@code permanent}, type {@code worker}, shutdown
 * 5000 ms for a worker and {@code infinity} for a supervisor, not significant.
 *
 * <p>Invalid combinations are rejected when the spec is built, with {@link IllegalArgumentException}:
 * {@code significant} with {@code permanent}. {@code significant} under a supervisor whose auto_shutdown is
 * {@code never} is rejected by {@link SupervisorSpec} and answered by {@code start_child}.
 *
 * <p>Immutable; {@code modules} (release handling) has no counterpart here.
 */
public record ChildSpec(String id, ChildStart start, RestartType restart, Shutdown shutdown, ChildType type,
                        boolean significant) {

    public static final Shutdown DEFAULT_WORKER_SHUTDOWN = Shutdown.millis(5000);

    public ChildSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(restart, "restart");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(type, "type");
        if (significant && restart == RestartType.PERMANENT) {
            throw new IllegalArgumentException("child " + id
                    + ": bad_combination [{restart, permanent}, {significant, true}]: a permanent child cannot be significant");
        }
    }

    /** A builder for child {@code id}; set the start with one of its {@code start…} methods. */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** A permanent worker running the given behaviour, with the defaults. */
    public static ChildSpec worker(String id, Supplier<? extends Behavior<?>> behavior) {
        return builder(id).startBehavior(behavior).build();
    }

    /** A permanent worker process, with the defaults. */
    public static ChildSpec worker(String id, ProcessInit<?> init) {
        return builder(id).start(init).build();
    }

    /** A permanent child supervisor (type supervisor, shutdown infinity). */
    public static ChildSpec supervisor(String id, SupervisorSpec spec) {
        return builder(id).type(ChildType.SUPERVISOR).start(Supervisor.init(spec)).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder(id).startWith(start).restart(restart).type(type).significant(significant);
        b.shutdown = shutdown;
        return b;
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final String id;
        private ChildStart start;
        private RestartType restart = RestartType.PERMANENT;
        private Shutdown shutdown;
        private ChildType type = ChildType.WORKER;
        private boolean significant;

        private Builder(String id) {
            this.id = Objects.requireNonNull(id, "id");
        }

        /** The start function with access to {@code start_child}'s extra arguments. */
        public Builder startWith(ChildStart start) {
            this.start = Objects.requireNonNull(start, "start");
            return this;
        }

        /** Starts a process with this init (extra arguments are ignored). */
        public Builder start(ProcessInit<?> init) {
            Objects.requireNonNull(init, "init");
            return startWith(args -> init);
        }

        /** Starts a process that runs the supplied behaviour (extra arguments are ignored). */
        public Builder startBehavior(Supplier<? extends Behavior<?>> behavior) {
            Objects.requireNonNull(behavior, "behavior");
            return start(process -> castBehavior(behavior.get()));
        }

        public Builder restart(RestartType restart) {
            this.restart = Objects.requireNonNull(restart, "restart");
            return this;
        }

        public Builder shutdown(Shutdown shutdown) {
            this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
            return this;
        }

        public Builder type(ChildType type) {
            this.type = Objects.requireNonNull(type, "type");
            return this;
        }

        public Builder significant(boolean significant) {
            this.significant = significant;
            return this;
        }

        public ChildSpec build() {
            if (start == null) {
                throw new IllegalArgumentException("child " + id + ": missing_start: a child spec needs a start");
            }
            Shutdown s = shutdown != null ? shutdown
                    : type == ChildType.SUPERVISOR ? Shutdown.infinity() : DEFAULT_WORKER_SHUTDOWN;
            return new ChildSpec(id, start, restart, s, type, significant);
        }

        @SuppressWarnings("unchecked")
        private static <T> Behavior<T> castBehavior(Behavior<?> behavior) {
            return (Behavior<T>) Objects.requireNonNull(behavior, "the behavior supplier returned null");
        }
    }
}
