package dev.lingon.kernel.dom0;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The rates behind {@code lingon top}, over a window that does not depend on who asks or how often.
 * The kernel's counters only grow; a rate needs an earlier sample. If the toolstack kept one "last
 * sample" per domain, two watchers (a {@code lingon top} in one shell, the demo's printer in another)
 * would each see the window since the other's call, a few milliseconds wide. Instead every call offers
 * its sample to a short per-domain history (at most one kept per {@link #KEEP_EVERY}); the rate is taken
 * against the newest kept sample at least {@link #WINDOW} old, else the oldest kept one, else the
 * domain's start (counters are zero at boot), so the first {@code top} already shows averages since boot.
 *
 * <p>Pure bookkeeping over the nanosecond times it is given; thread-safe.
 */
final class TopSampler {
    static final long WINDOW = 1_000_000_000L;
    static final long KEEP_EVERY = 250_000_000L;
    /** Older samples than this are no use: the baseline is the newest one at least WINDOW old. */
    static final long HISTORY = 3 * WINDOW;

    /** Cumulative counters of one domain's kernel at one instant. */
    record Sample(long atNanos, long busyNanos, long slices, long events) {
    }

    /** Rates between a baseline and now. */
    record Rates(double cpuPercent, double slicesPerSec, double eventsPerSec) {
        static final Rates NONE = new Rates(0, 0, 0);
    }

    private final Map<Integer, Deque<Sample>> history = new HashMap<>();

    /**
     * Offers {@code now} for the domain {@code domid}, which started at {@code startNanos}, and answers
     * the rates over the window ending now.
     */
    synchronized Rates rates(int domid, long startNanos, Sample now) {
        Deque<Sample> kept = history.computeIfAbsent(domid, d -> new ArrayDeque<>());
        Sample base = new Sample(startNanos, 0, 0, 0);
        for (Sample s : kept) { // oldest first: the last one at least WINDOW old wins
            if (now.atNanos() - s.atNanos() >= WINDOW || s == kept.peekFirst()) {
                base = s;
            }
        }
        if (kept.isEmpty() || now.atNanos() - kept.peekLast().atNanos() >= KEEP_EVERY) {
            kept.addLast(now);
        }
        while (kept.size() > 1 && now.atNanos() - kept.peekFirst().atNanos() > HISTORY) {
            kept.removeFirst();
        }
        long dt = now.atNanos() - base.atNanos();
        if (dt <= 0) {
            return Rates.NONE;
        }
        double secs = dt / 1e9;
        return new Rates(100.0 * (now.busyNanos() - base.busyNanos()) / dt, (now.slices() - base.slices()) / secs,
                (now.events() - base.events()) / secs);
    }

    /** Forgets a domain that has gone (its domid is never reused while dom0 runs, but memory is). */
    synchronized void forget(int domid) {
        history.remove(domid);
    }
}
