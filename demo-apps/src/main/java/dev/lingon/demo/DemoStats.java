package dev.lingon.demo;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's dashboard counters: how many deposits each shard booked, as the frontend saw the
 * acknowledgements. Lives in the JVM the demo runs in (the in-process backend), read by the demo's
 * printer in dom0; applications only add to it.
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
