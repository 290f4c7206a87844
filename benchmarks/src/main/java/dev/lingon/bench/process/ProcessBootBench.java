package dev.lingon.bench.process;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.dom0.Dom0;
import dev.lingon.kernel.dom0.Toolstack;
import dev.lingon.kernel.process.DomainProcessCommand;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenStore;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Process-domain boot to first message, cold and warm: dom0 creates a domain whose spec says
 * {@code backend = "process"}: the hypervisor's domain and its shared-memory file, a JVM process
 * started with its launch ticket, the hypercall connection, the kernel scheduler, the ActorSystem with
 * the Kryo serializer, the devices and the application; the clock stops when the application's first
 * actor receives the message it sent itself (the moment it writes to XenStore; {@code nanoTime} is
 * CLOCK_MONOTONIC, shared by the processes of one machine).
 * <ul>
 *   <li>cold: no class-data-sharing archive; every class of Pekko, Kryo and Lingon is loaded and verified;</li>
 *   <li>warm: with a dynamic AppCDS archive written by a first boot ({@code -XX:ArchiveClassesAtExit});</li>
 *   <li>warm spare: with the archive, and a spare domain process of the domain's shape started and warmed
 *   up ahead of need, which dom0 hands the domain to ({@code LINGON_SPARE_DOMAINS}).</li>
 * </ul>
 * Beside them, in the same run: a new JVM with a plain Pekko ActorSystem to its first message, without and
 * with its own archive (the floor that a JVM-per-domain design starts from).
 *
 * <p>Options: {@code --boots N} (default 20), {@code --quick} (5). The target is a warm median ≤ 300 ms.
 */
public final class ProcessBootBench {
    private ProcessBootBench() {
    }

    public static void main(String[] args) throws Exception {
        int boots = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--boots" -> boots = Integer.parseInt(args[++i]);
                case "--quick" -> boots = 5;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --boots N, --quick)");
            }
        }
        Path tmp = Files.createTempDirectory("lingon-boot-bench");
        try {
            Path lingonJsa = tmp.resolve("lingon.jsa");
            Path pekkoJsa = tmp.resolve("pekko.jsa");
            long[] cold = lingon(boots, Optional.empty(), false);
            long[] warm = lingon(boots, Optional.of(lingonJsa), true);
            long[] spare = lingon(boots, Optional.of(lingonJsa), true, 1);
            long[] pekkoCold = pekko(boots, Optional.empty(), false);
            long[] pekkoWarm = pekko(boots, Optional.of(pekkoJsa), true);
            System.out.printf(Locale.ROOT, "process boot to first message (%d boots each), ms%n", boots);
            System.out.printf(Locale.ROOT, "%-40s %8s %8s %8s %8s%n", "variant", "p50", "p90", "p99", "max");
            row("lingon process domain, cold (no CDS)", cold);
            row("lingon process domain, warm (AppCDS)", warm);
            row("lingon, warm spare (AppCDS + spare JVM)", spare);
            row("plain pekko JVM, cold (no CDS)", pekkoCold);
            row("plain pekko JVM, warm (AppCDS)", pekkoWarm);
            double p50 = percentile(warm, 0.5) / 1e6;
            double p50Spare = percentile(spare, 0.5) / 1e6;
            System.out.printf(Locale.ROOT, "archive sizes: lingon %.1f MB, pekko %.1f MB%n", size(lingonJsa), size(pekkoJsa));
            System.out.printf(Locale.ROOT, "target: warm p50 <= 300 ms -> AppCDS alone %.1f ms %s; with a warm spare %.1f ms %s%n",
                    p50, p50 <= 300 ? "MET" : "NOT MET", p50Spare, p50Spare <= 300 ? "MET" : "NOT MET");
        } finally {
            try (var s = Files.walk(tmp)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double size(Path p) throws Exception {
        return Files.exists(p) ? Files.size(p) / 1e6 : 0;
    }

    /** Boots {@code boots} process domains one after another (after one unmeasured boot when {@code prime}). */
    private static long[] lingon(int boots, Optional<Path> archive, boolean prime) throws Exception {
        return lingon(boots, archive, prime, 0);
    }

    /**
     * With {@code spares} > 0, each measured boot starts once a spare is warm: the steady state of a
     * dom0 whose pool keeps up with the rate domains are created at.
     */
    private static long[] lingon(int boots, Optional<Path> archive, boolean prime, int spares) throws Exception {
        DomainProcessCommand.Settings settings = DomainProcessCommand.Settings.ofThisJvm(archive, List.of()).withSpares(spares);
        long[] out = new long[boots];
        try (Dom0 dom0 = Dom0.startWithProcessDomains(Toolstack.defaultCoreDumpDir(), settings)) {
            if (prime) {
                bootOnce(dom0, "prime");
            }
            for (int i = 0; i < boots; i++) {
                if (spares > 0) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (dom0.processDomains().orElseThrow().warmSpares().isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                }
                out[i] = bootOnce(dom0, "boot-" + i);
            }
        }
        return out;
    }

    private static long bootOnce(Dom0 dom0, String name) throws Exception {
        long t0 = System.nanoTime();
        DomainStatus st = dom0.toolstack().create(DomainSpec.of(name, FirstMessageProcessApp.class).withBackend(DomainSpec.Backend.PROCESS));
        String node = "/local/domain/" + st.domid() + "/" + FirstMessageProcessApp.NODE;
        XenStore xs = dom0.hypervisor().dom0().openStore();
        try {
            CompletableFuture<Long> first = new CompletableFuture<>();
            xs.onWatchEvent(ev -> {
                Result<String> v = xs.read(node);
                if (v.isOk()) {
                    first.complete(Long.parseLong(v.orThrow().trim()));
                }
            });
            xs.watch(node, "first").orThrow();
            long t1 = first.get(60, TimeUnit.SECONDS);
            return t1 - t0;
        } finally {
            xs.close();
            dom0.toolstack().destroy(name);
        }
    }

    private static long[] pekko(int boots, Optional<Path> archive, boolean prime) throws Exception {
        long[] out = new long[boots];
        if (prime) {
            pekkoOnce(archive);
        }
        for (int i = 0; i < boots; i++) {
            out[i] = pekkoOnce(archive);
        }
        return out;
    }

    private static long pekkoOnce(Optional<Path> archive) throws Exception {
        DomainProcessCommand.Settings s = DomainProcessCommand.Settings.ofThisJvm(archive, List.of());
        List<String> cmd = new ArrayList<>();
        cmd.add(s.javaBinary().toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:ActiveProcessorCount=1");
        archive.ifPresent(a -> {
            cmd.add("-XX:SharedArchiveFile=" + a);
            cmd.add("-XX:+AutoCreateSharedArchive");
            cmd.add("-Xlog:cds=off");
            cmd.add("-Xlog:cds+dynamic=off");
        });
        cmd.add("-cp");
        cmd.add(s.classPath());
        cmd.add(PekkoProcessMain.class.getName());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long first = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("first ")) {
                    first = Long.parseLong(line.substring(6).trim());
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || first < 0) {
            p.destroyForcibly();
            throw new IllegalStateException("the pekko process did not report its first message (exit " + p.exitValue() + ")");
        }
        return first - t0;
    }

    private static void row(String name, long[] nanos) {
        System.out.printf(Locale.ROOT, "%-40s %8.1f %8.1f %8.1f %8.1f%n", name, percentile(nanos, 0.5) / 1e6,
                percentile(nanos, 0.9) / 1e6, percentile(nanos, 0.99) / 1e6, percentile(nanos, 1.0) / 1e6);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
