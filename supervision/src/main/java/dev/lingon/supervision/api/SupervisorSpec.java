package dev.lingon.supervision.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A supervisor's flags and children, with OTP's defaults: one_for_one, intensity 1, period 5 s,
 * auto_shutdown never.
 *
 * <p>Validated when built ({@link IllegalArgumentException}): intensity ≥ 0; period a whole number of
 * seconds ≥ 1 (OTP counts restarts in whole seconds); child ids unique ({@code duplicate_child_name});
 * a simple_one_for_one supervisor has exactly one child spec ({@code bad_start_spec}); no significant
 * child when auto_shutdown is never ({@code bad_combination}).
 *
 * <p>Immutable; safe to share between threads.
 */
public record SupervisorSpec(Strategy strategy, int intensity, Duration period, AutoShutdown autoShutdown,
                             List<ChildSpec> children) {

    public SupervisorSpec {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(autoShutdown, "autoShutdown");
        children = List.copyOf(children);
        if (intensity < 0) {
            throw new IllegalArgumentException("invalid_intensity: must be >= 0, got " + intensity);
        }
        if (period.toNanos() % 1_000_000_000L != 0 || period.getSeconds() < 1) {
            throw new IllegalArgumentException("invalid_period: must be a whole number of seconds >= 1, got " + period);
        }
        if (strategy == Strategy.SIMPLE_ONE_FOR_ONE && children.size() != 1) {
            throw new IllegalArgumentException(
                    "bad_start_spec: a simple_one_for_one supervisor needs exactly one child spec, got " + children.size());
        }
        Set<String> ids = new HashSet<>();
        for (ChildSpec child : children) {
            if (!ids.add(child.id())) {
                throw new IllegalArgumentException("duplicate_child_name: " + child.id());
            }
            checkSignificant(child, autoShutdown);
        }
    }

    /** The period in whole seconds. */
    public int periodSeconds() {
        return Math.toIntExact(period.getSeconds());
    }

    /** Throws if {@code child} is significant under auto_shutdown never. */
    static void checkSignificant(ChildSpec child, AutoShutdown autoShutdown) {
        String problem = significantProblem(child, autoShutdown);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The {@code bad_combination} text for a significant child under auto_shutdown never, else null. */
    public static String significantProblem(ChildSpec child, AutoShutdown autoShutdown) {
        if (child.significant() && autoShutdown == AutoShutdown.NEVER) {
            return "child " + child.id()
                    + ": bad_combination [{auto_shutdown, never}, {significant, true}]: significant children need auto_shutdown";
        }
        return null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private Strategy strategy = Strategy.ONE_FOR_ONE;
        private int intensity = 1;
        private Duration period = Duration.ofSeconds(5);
        private AutoShutdown autoShutdown = AutoShutdown.NEVER;
        private final List<ChildSpec> children = new ArrayList<>();

        private Builder() {
        }

        public Builder strategy(Strategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /** At most this many restarts within {@link #period}; one more and the supervisor gives up. */
        public Builder intensity(int intensity) {
            this.intensity = intensity;
            return this;
        }

        public Builder period(Duration period) {
            this.period = Objects.requireNonNull(period, "period");
            return this;
        }

        public Builder autoShutdown(AutoShutdown autoShutdown) {
            this.autoShutdown = Objects.requireNonNull(autoShutdown, "autoShutdown");
            return this;
        }

        /** Adds a child; children start in the order they are added. */
        public Builder child(ChildSpec child) {
            children.add(Objects.requireNonNull(child, "child"));
            return this;
        }

        public Builder children(List<ChildSpec> children) {
            children.forEach(this::child);
            return this;
        }

        public SupervisorSpec build() {
            return new SupervisorSpec(strategy, intensity, period, autoShutdown, children);
        }
    }
}
