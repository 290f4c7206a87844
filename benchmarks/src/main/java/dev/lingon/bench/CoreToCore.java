package dev.lingon.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a cache line takes to go from one core to another and back, right now: two threads
 * spinning on two counters, each waiting for the other's store. Printed beside the benchmarks'
 * figures because on this kind of VM it is not a constant: the host moves the guest's vCPUs between
 * physical cores, and the round trip measured over two minutes on the development VM jumped between
 * about 33, 77, 109 and 430 ns. Every figure that moves data between cores (a message to an actor on
 * the other vCPU, a ring read by another domain) moves with it, the more so the more lines a message
 * touches: in one run-cross invocation, two of the three rounds after a round trip of about 440 ns
 * were about 30% slower than the rounds after 65-93 ns, in one domain and across domains alike (the
 * third was not).
 *
 * <p>A figure in the microseconds means the two probe threads shared one core: another thread held
 * the other one throughout (seen right after a benchmark's warm-ups, with no Java thread runnable:
 * the JIT compiling what the warm-up made hot). Runs measured then are disturbed by it too.
 *
 * <p>Threads: the probe starts one helper thread per call and ends it before returning.
 */
public final class CoreToCore {
    private CoreToCore() {
    }

    /**
     * The round trip, in nanoseconds, over about {@code millis} milliseconds of batches of ping-pongs:
     * the tenth percentile of the batches' averages. A low percentile, not the median, because a batch
     * during which another thread (a JIT compiler, a collector) held one of the two cores measures
     * that thread's time slice, not the distance between the cores.
     */
    public static double roundTripNanos(long millis) {
        AtomicLong ping = new AtomicLong();
        AtomicLong pong = new AtomicLong();
        Thread echo = new Thread(() -> {
            long seen = 0;
            while (true) {
                long n;
                while ((n = ping.get()) == seen) {
                    Thread.onSpinWait();
                }
                if (n < 0) {
                    return;
                }
                seen = n;
                pong.set(n);
            }
        }, "core-to-core-echo");
        echo.setDaemon(true);
        echo.start();
        try {
            long end = System.nanoTime() + millis * 1_000_000L;
            long i = 0;
            double[] batches = new double[4096];
            int b = 0;
            while (System.nanoTime() < end && b < batches.length) {
                long t0 = System.nanoTime();
                for (int k = 0; k < 256; k++) {
                    i++;
                    ping.set(i);
                    while (pong.get() != i) {
                        Thread.onSpinWait();
                    }
                }
                batches[b++] = (System.nanoTime() - t0) / 256.0;
            }
            double[] measured = Arrays.copyOf(batches, b);
            Arrays.sort(measured);
            return measured.length == 0 ? Double.NaN : measured[measured.length / 10];
        } finally {
            ping.set(-1);
            try {
                echo.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
