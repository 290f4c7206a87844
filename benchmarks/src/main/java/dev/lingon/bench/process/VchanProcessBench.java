package dev.lingon.bench.process;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.dom0.Dom0;
import dev.lingon.kernel.dom0.Toolstack;
import dev.lingon.kernel.process.DomainProcessCommand;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.vchan.FramedVchan;
import dev.lingon.xen.vchan.Vchan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * vchan frame throughput between two processes: a producer domain in dom0's JVM (on the shared-memory
 * hypervisor, its ring pages in its file) writes length-prefixed frames into a vchan ring of 64 KiB
 * that it granted to a consumer domain running in a process of its own ({@link VchanConsumerApp}),
 * both spinning. Since neither end ever waits, both are {@link FramedVchan#polling} ends: they ask each
 * other for no events (a waiting end would arm an event every time it found the ring empty or full,
 * and its peer would clear the bit with a locked instruction and send the event, per frame).
 * Beside it, in the same run, the ceiling: the raw SPSC ring of {@link ShmBench} between two processes.
 * Target: vchan within 2× of the raw ring.
 *
 * <p>Two ways of using the vchan, both measured: one frame per call (each frame publishes the producer
 * index and each read the consumer index: a full fence and a cross-core cache miss per frame on each
 * side), and batched (the producer writes frames with {@code tryWrite} and publishes every
 * {@code --batch} frames, every eighth of the ring, or when the ring is full; the consumer drains up to a batch per call, publishing
 * once) — how Xen's rings are meant to be driven ({@code RING_PUSH_REQUESTS_AND_CHECK_NOTIFY} after a
 * batch) and how the mailbox layer drives them (one publication per vCPU slice). The raw ring publishes
 * each message, with a release store and no fence.
 *
 * <p>Options: {@code --frames N} per run at 64 B (default 5,000,000; a quarter at 1 KiB), {@code --runs N}
 * (default 3; the median is reported), {@code --batch N} (default 64), {@code --quick}.
 */
public final class VchanProcessBench {
    private static final int RING_BYTES = 64 * 1024;

    private VchanProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        long frames = 5_000_000;
        int runs = 3;
        int batch = 64;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--frames" -> frames = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    frames = 500_000;
                    runs = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --frames N, --runs N, --batch N, --quick)");
            }
        }
        double[] vchan = new double[2];
        double[] batched = new double[2];
        double[] raw = new double[2];
        int[] sizes = {64, 1024};
        // No spare processes: a spare warms up right after a launch, on the cores being measured.
        try (Dom0 dom0 = Dom0.startWithProcessDomains(Toolstack.defaultCoreDumpDir(),
                DomainProcessCommand.Settings.ofThisJvm(Optional.empty(), List.of()))) {
            for (int s = 0; s < sizes.length; s++) {
                vchan[s] = vchan(dom0, sizes[s], sizes[s] == 64 ? frames : frames / 4, runs, 1);
                batched[s] = vchan(dom0, sizes[s], sizes[s] == 64 ? frames : frames / 4, runs, batch);
            }
        }
        Path dir = Files.createTempDirectory("lingon-vchanbench");
        try {
            for (int s = 0; s < sizes.length; s++) {
                double[] r = new double[runs];
                for (int i = 0; i < runs; i++) {
                    r[i] = ShmBench.ring(Files.createTempDirectory(dir, "run"), sizes[s], sizes[s] == 64 ? frames : frames / 4);
                }
                raw[s] = median(r);
            }
        } finally {
            try (var st = Files.walk(dir)) {
                st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "frames between two processes over shared memory (%d cores, median of %d runs)%n",
                Runtime.getRuntime().availableProcessors(), runs);
        for (int s = 0; s < sizes.length; s++) {
            System.out.printf(Locale.ROOT, "%4d B  raw SPSC ring                       %,13.0f msg/s%n", sizes[s], raw[s]);
            System.out.printf(Locale.ROOT, "%4d B  vchan (64 KiB ring), frame per call %,13.0f frames/s  vchan/raw %.2f%s%n",
                    sizes[s], vchan[s], vchan[s] / raw[s], vchan[s] * 2 >= raw[s] ? "  (within 2x: MET)" : "  (within 2x: NOT MET)");
            System.out.printf(Locale.ROOT, "%4d B  vchan (64 KiB ring), batches of %-4d %,13.0f frames/s  vchan/raw %.2f%s%n",
                    sizes[s], batch, batched[s], batched[s] / raw[s], batched[s] * 2 >= raw[s] ? "  (within 2x: MET)" : "  (within 2x: NOT MET)");
        }
    }

    private static double vchan(Dom0 dom0, int size, long frames, int runs, int batch) throws Exception {
        Hypervisor hv = dom0.hypervisor();
        XenDomain producer = hv.domain(hv.createDomain(DomainConfig.named("producer-" + size)).orThrow()).orElseThrow();
        String path = "/local/domain/" + producer.domid() + "/data/vchan/bench";
        String name = "consumer-" + size + "-" + batch;
        int consumer = dom0.toolstack().create(DomainSpec.of(name, VchanConsumerApp.class).withBackend(DomainSpec.Backend.PROCESS)
                .withExtra(Map.of("producer", Integer.toString(producer.domid()), "path", path, "frames", Long.toString(frames),
                        "runs", Integer.toString(runs), "batch", Integer.toString(batch)))).domid();
        FramedVchan out = FramedVchan.polling(Vchan.server(producer, consumer, path, 1024, RING_BYTES).orThrow());
        MemorySegment payload = MemorySegment.ofArray(new byte[size]);
        double[] rates = new double[runs];
        long seq = 0;
        for (int r = 0; r < runs; r++) {
            for (long i = 0; i < frames; i++, seq++) {
                payload.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, seq);
                if (batch == 1) {
                    while (!out.trySend(payload, 0, size).isSent()) {
                        Thread.onSpinWait();
                    }
                } else {
                    while (!out.tryWrite(payload, 0, size).isSent()) {
                        out.publishWritten();
                        Thread.onSpinWait();
                    }
                    // A batch is also bounded by bytes: an eighth of the ring, so the reader works on
                    // one part of the ring while the writer fills another.
                    if ((i + 1) % batch == 0 || out.unpublishedBytes() >= RING_BYTES / 8) {
                        out.publishWritten();
                    }
                }
            }
            out.publishWritten();
            String node = "/local/domain/" + consumer + "/data/bench/run" + r;
            String[] f = await(hv, node).split(" ");
            long first = Long.parseLong(f[0]);
            long last = Long.parseLong(f[1]);
            if (Long.parseLong(f[2]) != 0) {
                throw new IllegalStateException(f[2] + " frames arrived out of order");
            }
            rates[r] = (frames - 1) * 1e9 / (last - first);
            System.err.printf(Locale.ROOT, "[vchan %d B batch %d run %d] %,.0f frames/s%n", size, batch, r, rates[r]);
        }
        out.close();
        dom0.toolstack().destroy(name);
        hv.destroy(producer.handle());
        return median(rates);
    }

    /** The value of {@code node} once it exists, through a XenStore watch. */
    private static String await(Hypervisor hv, String node) throws Exception {
        XenStore xs = hv.dom0().openStore();
        try {
            CompletableFuture<String> v = new CompletableFuture<>();
            xs.onWatchEvent(ev -> {
                Result<String> r = xs.read(node);
                if (r.isOk()) {
                    v.complete(r.orThrow());
                }
            });
            xs.watch(node, "bench").orThrow();
            return v.get(120, TimeUnit.SECONDS);
        } finally {
            xs.close();
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
