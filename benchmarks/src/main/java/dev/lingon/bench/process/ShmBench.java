package dev.lingon.bench.process;

import dev.lingon.xen.shm.Doorbell;
import dev.lingon.xen.shm.ShmFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What two processes can do over shared memory on this machine, before any Lingon code sits on top:
 * the ceiling the process backend is measured against, and the choice of cross-process doorbell.
 *
 * <ul>
 *   <li>raw ring: a single-producer/single-consumer ring of fixed-size slots on a mapped file,
 *       producer in this process, consumer in a child process, both spinning; 64 B and 1 KiB messages,
 *       each copied in whole into its slot and out of it (as a vchan frame is).</li>
 *   <li>ping-pong, spinning: round trips through two counters in the shared page, both sides spinning.</li>
 *   <li>ping-pong, woken: the waiting side sleeps and is woken by the other — futex doorbells in the
 *       shared page (what the process backend uses) beside a pair of named pipes (FIFOs).</li>
 * </ul>
 * Options: {@code --messages N} (ring, default 20M), {@code --rounds N} (ping-pong, default 100k),
 * {@code --quick}.
 */
public final class ShmBench {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    // The shared file: a control page, then the ring's slots.
    //  0    s64 tail (producer index)            64   s64 head (consumer index)
    //  128  s64 ping   192 s64 pong               256  doorbell A (to child)   320 doorbell B (to parent)
    //  384  s64 checksum written by the child
    //  4096 slots
    private static final long TAIL = 0;
    private static final long HEAD = 64;
    private static final long PING = 128;
    private static final long PONG = 192;
    private static final long BELL_A = 256;
    private static final long BELL_B = 320;
    private static final long CHECKSUM = 384;
    private static final long SLOTS = 4096;
    private static final int RING_BYTES = 1 << 20;

    private ShmBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        long messages = 20_000_000;
        int rounds = 100_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--messages" -> messages = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    messages = 2_000_000;
                    rounds = 10_000;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (use --messages N, --rounds N, --quick)");
            }
        }
        Path dir = Files.createTempDirectory("lingon-shmbench");
        try {
            System.out.println("two processes over a shared mapped file (" + Runtime.getRuntime().availableProcessors() + " cores)");
            for (int size : new int[] {64, 1024}) {
                long n = size == 64 ? messages : messages / 4;
                double rate = ring(dir, size, n);
                System.out.printf(Locale.ROOT, "raw SPSC ring, %4d B messages: %,14.0f msg/s  (%,.0f MB/s)%n", size, rate, rate * size / 1e6);
            }
            report("ping-pong, spinning", pingPong(dir, "spin", rounds));
            report("ping-pong, woken by futex", pingPong(dir, "futex", rounds));
            report("ping-pong, woken by pipe (FIFO)", pingPong(dir, "pipe", rounds));
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(String what, long[] rtts) {
        Arrays.sort(rtts);
        System.out.printf(Locale.ROOT, "%-34s RTT p50 %7.2f µs  p99 %7.2f µs  (one way ≈ %.2f µs)%n", what,
                rtts[rtts.length / 2] / 1e3, rtts[(int) (rtts.length * 0.99)] / 1e3, rtts[rtts.length / 2] / 2e3);
    }

    static double ring(Path dir, int size, long n) throws Exception {
        Path file = dir.resolve("ring-" + size);
        try (ShmFile f = ShmFile.create(file, SLOTS + RING_BYTES)) {
            MemorySegment m = f.segment();
            long slots = RING_BYTES / size;
            Process child = child(dir, "ring", file, Integer.toString(size), Long.toString(n));
            // Wait for the child to map the file and say it is ready (head = -1 → 0 handshake).
            awaitValue(m, HEAD, -1, child);
            LONG.setVolatile(m, HEAD, 0L);
            long t0 = System.nanoTime();
            long headCache = 0;
            long expected = 0;
            // Every message is copied in whole from the sender's buffer, as a vchan frame is: a message
            // of `size` bytes moves `size` bytes, not just the two words the reader checks.
            MemorySegment message = MemorySegment.ofArray(new byte[size]);
            for (long i = 0; i < n; i++) {
                while (i - headCache >= slots) {
                    headCache = (long) LONG.getAcquire(m, HEAD);
                    Thread.onSpinWait();
                }
                long off = SLOTS + (i % slots) * size;
                message.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, i);
                message.set(ValueLayout.JAVA_LONG_UNALIGNED, size - 8, i ^ 0x5bd1e995L);
                MemorySegment.copy(message, 0, m, off, size);
                expected += i;
                LONG.setRelease(m, TAIL, i + 1);
            }
            while ((long) LONG.getAcquire(m, HEAD) < n) {
                Thread.onSpinWait();
            }
            long elapsed = System.nanoTime() - t0;
            finish(child);
            if ((long) LONG.getVolatile(m, CHECKSUM) != expected) {
                throw new IllegalStateException("the consumer read different messages than were written");
            }
            return n * 1e9 / elapsed;
        }
    }

    private static long[] pingPong(Path dir, String mode, int rounds) throws Exception {
        Path file = dir.resolve("pp-" + mode);
        Path toChild = dir.resolve("fifo-a-" + mode);
        Path toParent = dir.resolve("fifo-b-" + mode);
        if (mode.equals("pipe")) {
            mkfifo(toChild);
            mkfifo(toParent);
        }
        int warm = Math.max(1000, rounds / 10);
        long[] rtts = new long[rounds];
        try (ShmFile f = ShmFile.create(file, SLOTS)) {
            MemorySegment m = f.segment();
            Doorbell a = new Doorbell(m, BELL_A);
            Doorbell b = new Doorbell(m, BELL_B);
            Process child = child(dir, "pingpong", file, mode, Integer.toString(warm + rounds), toChild.toString(), toParent.toString());
            awaitValue(m, HEAD, -1, child);
            if (mode.equals("pipe")) {
                try (OutputStream out = Files.newOutputStream(toChild); InputStream in = Files.newInputStream(toParent)) {
                    for (int i = 0; i < warm + rounds; i++) {
                        long t0 = System.nanoTime();
                        out.write(1);
                        out.flush();
                        if (in.read() < 0) {
                            throw new IllegalStateException("the child closed its pipe");
                        }
                        if (i >= warm) {
                            rtts[i - warm] = System.nanoTime() - t0;
                        }
                    }
                }
            } else {
                for (int i = 1; i <= warm + rounds; i++) {
                    long t0 = System.nanoTime();
                    LONG.getAndAdd(m, PING, 1L);
                    long e = i;
                    if (mode.equals("futex")) {
                        a.ring();
                        b.await(() -> (long) LONG.getVolatile(m, PONG) >= e, Long.MAX_VALUE);
                    } else {
                        while ((long) LONG.getVolatile(m, PONG) < e) {
                            Thread.onSpinWait();
                        }
                    }
                    if (i > warm) {
                        rtts[i - warm - 1] = System.nanoTime() - t0;
                    }
                }
            }
            finish(child);
        }
        return rtts;
    }

    private static void child(String[] args) throws Exception {
        String role = args[1];
        try (ShmFile f = ShmFile.open(Path.of(args[2]))) {
            MemorySegment m = f.segment();
            if (role.equals("ring")) {
                int size = Integer.parseInt(args[3]);
                long n = Long.parseLong(args[4]);
                long slots = RING_BYTES / size;
                LONG.setVolatile(m, HEAD, -1L);
                while ((long) LONG.getVolatile(m, HEAD) != 0) {
                    Thread.onSpinWait();
                }
                long sum = 0;
                long tailCache = 0;
                MemorySegment message = MemorySegment.ofArray(new byte[size]);
                for (long i = 0; i < n; ) {
                    tailCache = (long) LONG.getAcquire(m, TAIL);
                    for (; i < tailCache; i++) {
                        long off = SLOTS + (i % slots) * size;
                        MemorySegment.copy(m, off, message, 0, size);
                        long v = message.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                        if (message.get(ValueLayout.JAVA_LONG_UNALIGNED, size - 8) != (v ^ 0x5bd1e995L)) {
                            throw new IllegalStateException("torn message at " + i);
                        }
                        sum += v;
                        LONG.setRelease(m, HEAD, i + 1);
                    }
                    Thread.onSpinWait();
                }
                LONG.setVolatile(m, CHECKSUM, sum);
            } else {
                String mode = args[3];
                int total = Integer.parseInt(args[4]);
                Doorbell a = new Doorbell(m, BELL_A);
                Doorbell b = new Doorbell(m, BELL_B);
                LONG.setVolatile(m, HEAD, -1L);
                if (mode.equals("pipe")) {
                    try (InputStream in = Files.newInputStream(Path.of(args[5])); OutputStream out = Files.newOutputStream(Path.of(args[6]))) {
                        for (int i = 0; i < total; i++) {
                            if (in.read() < 0) {
                                return;
                            }
                            out.write(1);
                            out.flush();
                        }
                    }
                    return;
                }
                for (long i = 1; i <= total; i++) {
                    long e = i;
                    if (mode.equals("futex")) {
                        a.await(() -> (long) LONG.getVolatile(m, PING) >= e, Long.MAX_VALUE);
                    } else {
                        while ((long) LONG.getVolatile(m, PING) < e) {
                            Thread.onSpinWait();
                        }
                    }
                    LONG.getAndAdd(m, PONG, 1L);
                    if (mode.equals("futex")) {
                        b.ring();
                    }
                }
            }
        }
    }

    private static Process child(Path dir, String role, Path file, String... more) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ShmBench.class.getName(), "--child", role, file.toString()));
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child-" + role + ".log").toFile()).start();
    }

    private static void awaitValue(MemorySegment m, long offset, long value, Process child) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((long) LONG.getVolatile(m, offset) != value) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the child process did not start (exit " + (child.isAlive() ? "none" : child.exitValue()) + ")");
            }
            Thread.onSpinWait();
        }
    }

    private static void finish(Process child) throws InterruptedException {
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            throw new IllegalStateException("the child process did not finish");
        }
        if (child.exitValue() != 0) {
            throw new IllegalStateException("the child process failed with exit " + child.exitValue());
        }
    }

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        if (mk.waitFor() != 0) {
            throw new IOException("mkfifo " + p + " failed");
        }
    }
}
