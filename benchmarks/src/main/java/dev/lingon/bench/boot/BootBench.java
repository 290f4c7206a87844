package dev.lingon.bench.boot;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.dom0.Dom0;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import com.typesafe.config.ConfigFactory;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Domain boot to first message, in-process and warm: dom0 creates a domain (hypervisor domain, grant
 * table, XenStore home, the kernel scheduler, an ActorSystem with the Kryo serializer, the standard
 * devices under the kernel supervisor, the application's supervisor) and the clock stops when the
 * application's first actor receives the message it sent itself. Beside it, in the same run, the
 * baseline: a plain Pekko {@code ActorSystem.create} with the same one actor.
 *
 * <p>Options: {@code --warmup N} (default 30), {@code --boots N} (default 100), {@code --quick}
 * (10 and 20). The target is a warm median ≤ 50 ms.
 */
public final class BootBench {
    private BootBench() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = 30;
        int boots = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--boots" -> boots = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    warmup = 10;
                    boots = 20;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --warmup N, --boots N, --quick)");
            }
        }
        long[] lingon;
        long[] lingonCreate = new long[boots];
        try (Dom0 dom0 = Dom0.start()) {
            for (int i = 0; i < warmup; i++) {
                bootOnce(dom0, "warm-" + i, null, 0);
            }
            lingon = new long[boots];
            for (int i = 0; i < boots; i++) {
                lingon[i] = bootOnce(dom0, "boot-" + i, lingonCreate, i);
            }
        }
        for (int i = 0; i < warmup; i++) {
            pekkoOnce(i);
        }
        long[] pekko = new long[boots];
        for (int i = 0; i < boots; i++) {
            pekko[i] = pekkoOnce(i);
        }
        System.out.printf(Locale.ROOT, "boot to first message, warm (%d warm-up boots, %d measured), ms%n", warmup, boots);
        System.out.printf(Locale.ROOT, "%-34s %8s %8s %8s %8s%n", "variant", "p50", "p90", "p99", "max");
        row("lingon domain (dom0 create)", lingon);
        row("lingon create() call returned", lingonCreate);
        row("pekko ActorSystem.create", pekko);
        double p50 = percentile(lingon, 0.50) / 1e6;
        System.out.printf(Locale.ROOT, "target: lingon p50 <= 50 ms -> %.2f ms %s%n", p50, p50 <= 50 ? "MET" : "NOT MET");
    }

    private static long bootOnce(Dom0 dom0, String name, long[] createTimes, int index) throws Exception {
        CompletableFuture<Long> first = new CompletableFuture<>();
        FirstMessageApp.FIRST.put(name, first);
        long t0 = System.nanoTime();
        dom0.toolstack().create(DomainSpec.of(name, FirstMessageApp.class).withVcpus(1));
        long created = System.nanoTime();
        long t1 = first.get(30, TimeUnit.SECONDS);
        FirstMessageApp.FIRST.remove(name);
        dom0.toolstack().destroy(name);
        if (createTimes != null) {
            createTimes[index] = created - t0;
        }
        return t1 - t0;
    }

    private static long pekkoOnce(int i) throws Exception {
        CompletableFuture<Long> first = new CompletableFuture<>();
        long t0 = System.nanoTime();
        ActorSystem<String> sys = ActorSystem.create(Behaviors.<String>setup(a -> {
            a.getSelf().tell("hello");
            return Behaviors.receiveMessage(m -> {
                first.complete(System.nanoTime());
                return Behaviors.same();
            });
        }), "pekko-" + i, ConfigFactory.parseString("pekko.loglevel = WARNING").withFallback(ConfigFactory.load()));
        long t1 = first.get(30, TimeUnit.SECONDS);
        sys.terminate();
        sys.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return t1 - t0;
    }

    private static void row(String name, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-34s %8.2f %8.2f %8.2f %8.2f%n", name, percentile(nanos, 0.5) / 1e6,
                percentile(nanos, 0.9) / 1e6, percentile(nanos, 0.99) / 1e6, percentile(nanos, 1.0) / 1e6);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
