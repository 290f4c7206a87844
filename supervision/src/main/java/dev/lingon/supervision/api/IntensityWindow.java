package dev.lingon.supervision.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The restart intensity window of supervisor.erl's {@code add_restart}, as a pure value: the times (whole
 * seconds of a monotonic clock) of the restarts that still count, newest first.
 *
 * <p>On each restart at {@code now}: keep the restarts {@code R} with {@code R >= now - period} (inclusive
 * boundary, scanning from the newest and stopping at the first older one), add {@code now}; the restart is
 * allowed while the count is {@code <= intensity}; past it the supervisor gives up. With the defaults
 * (1 per 5 s), restarts at 0 and 5 exceed, at 0 and 6 do not. Intensity 0 means the first restart exceeds.
 *
 * <p>Immutable; the supervisor keeps one and replaces it on each restart. The chaos suite uses the same
 * function as the reference model for live decisions.
 */
public record IntensityWindow(int intensity, int periodSeconds, List<Long> restarts) {

    public IntensityWindow {
        if (intensity < 0) {
            throw new IllegalArgumentException("intensity must be >= 0, got " + intensity);
        }
        if (periodSeconds < 1) {
            throw new IllegalArgumentException("period must be >= 1 s, got " + periodSeconds);
        }
        restarts = List.copyOf(restarts);
    }

    /** An empty window. */
    public static IntensityWindow of(int intensity, int periodSeconds) {
        return new IntensityWindow(intensity, periodSeconds, List.of());
    }

    /** The window of a supervisor spec. */
    public static IntensityWindow of(SupervisorSpec spec) {
        return of(spec.intensity(), spec.periodSeconds());
    }

    /** Adds a restart at {@code nowSeconds} and says whether the intensity is now exceeded. */
    public Outcome addRestart(long nowSeconds) {
        long threshold = nowSeconds - periodSeconds;
        List<Long> next = new ArrayList<>(restarts.size() + 1);
        next.add(nowSeconds);
        for (long r : restarts) {
            if (r < threshold) {
                break;
            }
            next.add(r);
        }
        IntensityWindow window = new IntensityWindow(intensity, periodSeconds, next);
        return new Outcome(window, next.size() > intensity);
    }

    /** The result of {@link #addRestart}: the new window and whether the supervisor must give up. */
    public record Outcome(IntensityWindow window, boolean exceeded) {
    }
}
