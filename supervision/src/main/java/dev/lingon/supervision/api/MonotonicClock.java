package dev.lingon.supervision.api;

/**
 * A monotonic time source in nanoseconds, the only clock the supervision runtime reads (restart intensity
 * windows). Inject a manual one through {@link ClockSetup} to make intensity tests exact.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface MonotonicClock {

    long nanoTime();

    /** Whole seconds, rounded down, as {@code erlang:monotonic_time(second)} gives them. */
    default long seconds() {
        return Math.floorDiv(nanoTime(), 1_000_000_000L);
    }

    /** The JVM's monotonic clock. */
    static MonotonicClock system() {
        return System::nanoTime;
    }
}
