package dev.lingon.kernel.dom0;

import dev.lingon.kernel.dom0.TopSampler.Rates;
import dev.lingon.kernel.dom0.TopSampler.Sample;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code lingon top}'s rates: a window of about a second, whoever asks and however often. */
class TopSamplerTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    /** A domain busy half the time, 1000 slices and 10 events a second, sampled at {@code t}. */
    private static Sample at(long t) {
        return new Sample(t, t / 2, t * 1000 / S, t * 10 / S);
    }

    @Test
    void theFirstLookAveragesSinceBoot() {
        TopSampler top = new TopSampler();
        assertEquals(new Rates(50, 1000, 10), top.rates(1, 0, at(4 * S)));
    }

    @Test
    void twoWatchersCallingMillisecondsApartStillSeeASecondsWorth() {
        TopSampler top = new TopSampler();
        // Sampling a domain whose rate changes: idle for 2 s, then 5000 events a second.
        long events = 0;
        for (long t = 0; t <= 2 * S; t += 100 * MS) {
            top.rates(1, 0, new Sample(t, 0, 0, 0));
        }
        Rates seen = null;
        for (long t = 2 * S + 100 * MS; t <= 4 * S; t += 100 * MS) {
            events += 500;
            top.rates(1, 0, new Sample(t, 0, 0, events));           // watcher one
            seen = top.rates(1, 0, new Sample(t + MS, 0, 0, events)); // watcher two, 1 ms later
        }
        // Over the last second or so every sample showed 5000/s, not 0 (a 1 ms window) for the second watcher.
        assertEquals(5000, seen.eventsPerSec(), 600);
    }

    @Test
    void aForgottenDomainStartsAgainFromItsBoot() {
        TopSampler top = new TopSampler();
        top.rates(7, 0, new Sample(S, S, 5, 5));
        top.forget(7);
        assertEquals(new Rates(50, 1000, 10), top.rates(7, 0, at(2 * S)));
    }

    @Test
    void noTimeHasPassedMeansNoRates() {
        assertEquals(Rates.NONE, new TopSampler().rates(1, 5 * S, at(5 * S)));
    }
}
