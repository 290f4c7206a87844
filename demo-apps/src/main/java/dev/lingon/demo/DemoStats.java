package dev.lingon.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The frontend's counters: how many deposits each shard booked, as the frontend saw the
 * acknowledgements. Lives in the frontend's JVM (dom0's in-process, its own as a process domain); the
 * frontend publishes it in XenStore ({@link LedgerFrontend#BOOKED_NODE}), where the demo's printer reads it.
 */
public final class DemoStats {
    private static final Map<String, AtomicLong> BOOKED = new ConcurrentHashMap<>();

    private DemoStats() {
    }

    static void booked(String shard, int n) {
        BOOKED.computeIfAbsent(shard, s -> new AtomicLong()).addAndGet(n);
    }

    /** Deposits booked so far, by shard name. */
    public static Map<String, Long> booked() {
        Map<String, Long> out = new TreeMap<>();
        BOOKED.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public static void reset() {
        BOOKED.clear();
    }
}
