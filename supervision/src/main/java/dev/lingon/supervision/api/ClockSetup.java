package dev.lingon.supervision.api;

import java.util.Objects;
import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Injects the {@link MonotonicClock} of an actor system's processes through Pekko's
 * {@code ActorSystemSetup}; without it the processes use {@link MonotonicClock#system()}.
 */
public final class ClockSetup extends Setup {

    private final MonotonicClock clock;

    public ClockSetup(MonotonicClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public MonotonicClock clock() {
        return clock;
    }

    /** The clock configured for {@code system}. */
    public static MonotonicClock clockOf(ActorSystem<?> system) {
        return system.settings().setup().get(ClockSetup.class).map(ClockSetup::clock).orElseGet(MonotonicClock::system);
    }
}
