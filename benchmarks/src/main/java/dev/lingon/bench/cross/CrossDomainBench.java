package dev.lingon.bench.cross;

import dev.lingon.bench.CoreToCore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Cross-domain messaging, measured beside its two baselines in one run: the same two actors in one
 * domain (local tells) and in two actor systems joined by Pekko Artery TCP on loopback with the same
 * Kryo serializer. Reports one-way throughput for 64 B and 1 KiB payloads (median of the runs; every
 * variant is live for the whole run and the runs are interleaved, so each has a baseline run beside it
 * and "x in-domain" is the median of those paired ratios) and ping-pong round-trip latency (p50, p99).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.lingon.bench.cross.CrossDomainBench [--quick] [--runs N] [--messages N] [--rounds N]</pre>
 * or {@code benchmarks/run-cross}.
 */
public final class CrossDomainBench {
    private CrossDomainBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 5;
        long messages = 300_000;
        int rounds = 30_000;
        int window = 2_000;
        long warmup = 1_000_000;
        double warmupSeconds = 10;
        boolean kernelMetrics = false;
        List<String> chosen = List.of("in-domain", "xen-mailboxes", "artery");
        int[] sizes = {64, 1024};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> {
                    runs = 1;
                    messages = 30_000;
                    rounds = 3_000;
                    warmup = 30_000;
                    warmupSeconds = 0;
                }
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Long.parseLong(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--kernel-metrics" -> kernelMetrics = true;
                case "--variants" -> chosen = List.of(args[++i].split(","));
                case "--spin-nanos" -> System.setProperty(dev.lingon.scheduler.api.KernelConfig.SPIN_NANOS_PROPERTY, Long.toString(Long.parseLong(args[++i])));
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
                case "-h", "--help" -> {
                    System.out.println("options: --quick | --runs N (5) | --messages N per run (300000) | --rounds N ping-pongs (30000) | --window N in flight (2000) | --warmup N messages per warm-up flood (1000000) | --warmup-seconds S: repeat warm-up floods until S seconds have passed, per size (10) | --kernel-metrics: print each run's vCPU busy share, slices, blocks and events | --variants in-domain,xen-mailboxes,artery (also: xen-process, artery-2jvm, and direct-copy: the bound no transport can beat, two domains whose receiver gets a local reference and copies each payload into a fresh array) | --sizes 64,1024: payload bytes of the throughput floods | --spin-nanos N: how long an idle vCPU spins before it blocks, in every kernel including the process domains' (default 200000; 0 measures woken ping-pong)");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        Map<String, Supplier<Variant>> all = new LinkedHashMap<>();
        all.put("in-domain", Variant::inDomain);
        all.put("direct-copy", Variant::directCopy);
        all.put("xen-mailboxes", Variant::xenMailboxes);
        all.put("artery", Variant::artery);
        all.put("xen-process", Variant::xenMailboxesProcess);
        all.put("artery-2jvm", Variant::arteryTwoJvms);
        List<Supplier<Variant>> variants = new ArrayList<>();
        for (String c : chosen) {
            Supplier<Variant> v = all.get(c.trim());
            if (v == null) {
                System.err.println("unknown variant " + c + " (choose from " + all.keySet() + ")");
                System.exit(2);
            }
            variants.add(v);
        }
        List<String> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        int baseline = chosen.stream().map(String::trim).toList().indexOf("in-domain");
        rows.add(String.format(Locale.ROOT, "%-14s %-8s %16s %12s %12s %12s %12s %12s", "variant", "payload", "throughput", "MB/s",
                "x in-domain", "rtt p50 us", "rtt p99 us", "rtt mean us"));
        List<Variant> live = new ArrayList<>();
        try {
            for (Supplier<Variant> make : variants) {
                live.add(make.get());
            }
            int n = live.size();
            for (int size : sizes) {
                // Every variant gets the same warm-up: its sender and receiver code compiled (in both
                // domains, processes or actor systems) before anything is measured.
                // The JIT needs longer than one flood to settle (later runs were up to 2x faster than
                // the first with a 1M-message warm-up), so warm-up lasts a fixed time as well.
                for (Variant v : live) {
                    long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                    do {
                        flood(v, warmup, size, window);
                    } while (System.nanoTime() < warmEnd);
                }
                // Runs are interleaved: run r of every variant, then run r+1, the order rotating, so a
                // drift of the machine over the minutes of a run (this VM's rates move up to 2x between
                // invocations) falls on all variants alike, and each run of a variant has a baseline run
                // beside it: the "x in-domain" column is the median of those paired ratios.
                double[][] rates = new double[n][runs];
                double[] coreRtt = new double[runs];
                for (int r = 0; r < runs; r++) {
                    // The machine's state before this round of runs (see CoreToCore): the host moves
                    // this VM's vCPUs, and every variant here moves data between cores.
                    coreRtt[r] = CoreToCore.roundTripNanos(30);
                    for (int k = 0; k < n; k++) {
                        int i = (r + k) % n;
                        Variant v = live.get(i);
                        var before = v.kernelMetrics();
                        long ns = flood(v, messages, size, window);
                        rates[i][r] = messages / (ns / 1e9);
                        if (kernelMetrics) {
                            System.err.println("  " + v.name + " " + size + " B run " + r + ": " + Math.round(rates[i][r]) + " msg/s"
                                    + " (core-to-core round trip " + Math.round(coreRtt[r]) + " ns); "
                                    + Variant.describeDelta(before, v.kernelMetrics()));
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    Variant v = live.get(i);
                    System.err.printf(Locale.ROOT, "[%s %d B] throughput runs %s%n", v.name, size,
                            Arrays.toString(Arrays.stream(rates[i]).mapToLong(Math::round).toArray()));
                    double median = median(rates[i]);
                    String paired = "";
                    if (baseline >= 0) {
                        double[] ratios = new double[runs];
                        StringBuilder perRun = new StringBuilder();
                        for (int r = 0; r < runs; r++) {
                            ratios[r] = rates[i][r] / rates[baseline][r];
                            perRun.append(String.format(Locale.ROOT, "%s%.2f (%d ns)", r == 0 ? "" : ", ", ratios[r], Math.round(coreRtt[r])));
                        }
                        paired = String.format(Locale.ROOT, "%.2f", median(ratios));
                        if (i != baseline) {
                            notes.add(String.format(Locale.ROOT, "%-14s %-8s x in-domain per run (core-to-core round trip before it): %s",
                                    v.name, size + " B", perRun));
                        }
                    }
                    String lat = "";
                    if (size == 64) {
                        // Right after a flood of the same variant, as when each variant was measured on
                        // its own: a kernel's vCPUs spin while messages come fast and block after a long
                        // quiet spell (LING's rule), and the interleaved runs left this variant quiet
                        // while the others ran.
                        flood(v, warmup, size, window);
                        pingPong(v, Math.max(1000, rounds / 5));
                        var pingBefore = v.kernelMetrics();
                        long[] rtt = pingPong(v, rounds);
                        if (kernelMetrics) {
                            System.err.println("  " + v.name + " ping-pong of " + rounds + " round trips: " + Variant.describeDelta(pingBefore, v.kernelMetrics()));
                        }
                        Arrays.sort(rtt);
                        double mean = Arrays.stream(rtt).average().orElse(0) / 1000.0;
                        lat = String.format(Locale.ROOT, " %12.1f %12.1f %12.1f", rtt[rtt.length / 2] / 1000.0, rtt[(int) (rtt.length * 0.99)] / 1000.0, mean);
                    }
                    rows.add(String.format(Locale.ROOT, "%-14s %-8s %12.0f msg/s %12.1f %12s%s", v.name, size + " B", median, median * size / 1e6, paired, lat));
                }
            }
        } finally {
            for (Variant v : live) {
                v.close();
            }
        }
        System.out.println();
        System.out.println("Cross-domain messaging (median of " + runs + " interleaved runs of " + messages + " messages, window " + window
                + "; x in-domain: median of the runs' paired ratios; ping-pong: " + rounds + " round trips, one-way latency is about half the RTT)");
        rows.forEach(System.out::println);
        if (!notes.isEmpty()) {
            System.out.println();
            System.out.println("The host moves this VM's vCPUs between cores; the round trip of a cache line between the two cores,");
            System.out.println("measured before each round of runs, shows where they were (tens of ns: close; hundreds: far apart):");
            notes.forEach(System.out::println);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static long flood(Variant v, long total, int size, int window) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        v.driver.tell(new Actors.Flood(v.receiver, total, size, window, done));
        return done.orTimeout(300, TimeUnit.SECONDS).join();
    }

    static long[] pingPong(Variant v, int rounds) {
        CompletableFuture<long[]> done = new CompletableFuture<>();
        v.driver.tell(new Actors.PingPong(v.receiver, rounds, done));
        return done.orTimeout(300, TimeUnit.SECONDS).join();
    }
}
