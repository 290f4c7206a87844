package dev.lingon.supervision.api;

import java.time.Duration;
import java.util.Objects;

/** How a supervisor stops a child: kill at once, ask and kill after a timeout, or ask and wait.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface Shutdown {

    /** {@code brutal_kill}: {@code exit(Child, kill)} at once. */
    record BrutalKill() implements Shutdown {
        @Override
        public String toString() {
            return "brutal_kill";
        }
    }

    /** A timeout: {@code exit(Child, shutdown)}, then {@code kill} if it has not exited when the timeout expires. */
    record Timeout(Duration timeout) implements Shutdown {
        public Timeout {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdown timeout must be >= 0, got " + timeout);
            }
        }

        @Override
        public String toString() {
            return Long.toString(timeout.toMillis());
        }
    }

    /** {@code infinity}: {@code exit(Child, shutdown)} and wait as long as it takes. */
    record Infinity() implements Shutdown {
        @Override
        public String toString() {
            return "infinity";
        }
    }

    Shutdown BRUTAL_KILL = new BrutalKill();
    Shutdown INFINITY = new Infinity();

    static Shutdown brutalKill() {
        return BRUTAL_KILL;
    }

    static Shutdown infinity() {
        return INFINITY;
    }

    static Shutdown timeout(Duration timeout) {
        return new Timeout(timeout);
    }

    static Shutdown millis(long millis) {
        return new Timeout(Duration.ofMillis(millis));
    }
}
