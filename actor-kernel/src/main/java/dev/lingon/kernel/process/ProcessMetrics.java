package dev.lingon.kernel.process;

import dev.lingon.scheduler.api.SchedulerMetrics;

import java.util.Optional;

/**
 * A process domain's scheduler figures as it publishes them in XenStore ({@value #NODE} under its home,
 * every {@link #PERIOD_MILLIS} ms), for dom0's {@code lingon top}: dom0 cannot read another JVM's
 * counters, and a guest telling its toolstack about itself through XenStore is what Xen's PV guests do
 * (memory/target, data/…).
 *
 * <p>Text form: {@code vcpus busyNanos slices eventsDelivered steals runQueueLength}, decimal, one space apart.
 */
public record ProcessMetrics(int vcpus, long busyNanos, long slices, long eventsDelivered, long steals, int runQueueLength) {
    /** Relative to the domain's home. */
    public static final String NODE = "data/lingon/metrics";
    public static final long PERIOD_MILLIS = 500;

    public static ProcessMetrics of(SchedulerMetrics m) {
        return new ProcessMetrics(m.vcpus().size(), m.busyNanos(), m.slices(), m.eventsDelivered(), m.steals(), m.runQueueLength());
    }

    public String text() {
        return vcpus + " " + busyNanos + " " + slices + " " + eventsDelivered + " " + steals + " " + runQueueLength;
    }

    /** The figures in {@code text}, or empty when it is not what {@link #text()} writes (a guest may write anything there). */
    public static Optional<ProcessMetrics> parse(String text) {
        String[] f = text.strip().split(" ");
        if (f.length != 6) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                    Long.parseLong(f[3]), Long.parseLong(f[4]), Integer.parseInt(f[5])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
