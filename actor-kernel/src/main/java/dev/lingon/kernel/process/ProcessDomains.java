package dev.lingon.kernel.process;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.config.DomainConfigWriter;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.remote.Disconnect;
import dev.lingon.xen.remote.DomainFiles;
import dev.lingon.xen.remote.HypercallServer;
import dev.lingon.xen.remote.LaunchTicket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * dom0's process backend: starts each process domain's JVM ({@link DomainProcessCommand}) with its
 * launch ticket — or hands the ticket to a spare process of the same shape that was started and warmed
 * up ahead of need ({@link DomainProcessCommand.Settings#spares()}), and starts the next spare — serves its hypercalls ({@link HypercallServer}), waits for it to report ready in
 * XenStore ({@value #READY_NODE} under its home), and notices at once when it goes — its process
 * exits, or its hypercall connection ends (the kernel closes a killed process's socket, so SIGKILL is
 * seen too) — and tells its owner, who crashes the domain and applies {@code on_crash}.
 *
 * <p>Stopping a process domain ({@link #stop}) sends it {@code SIGTERM}, and a process still there after
 * the grace period is killed. A domain process also halts when its connection to dom0 ends: that is how
 * no domain outlives a dom0 that died.
 *
 * <p>Thread-safe.
 */
public final class ProcessDomains implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessDomains.class);
    /** Written by a domain process once its kernel and application have started; relative to its XenStore home. */
    public static final String READY_NODE = "data/lingon/ready";

    private final Hypervisor hv;
    private final Path runDir;
    private final DomainProcessCommand.Settings settings;
    private final BiConsumer<DomainHandle, String> onDeath;
    private final HypercallServer server;
    private final Map<DomainHandle, DomainProcess> processes = new ConcurrentHashMap<>();
    /** Processes told to stop that have not exited yet. */
    private final Map<DomainHandle, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
    /** Whether a process of this dom0 has been started to write the CDS archive. */
    private final java.util.concurrent.atomic.AtomicBoolean archiveWriter = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    /** Spare processes by shape, oldest first; each deque guarded by itself. */
    private final Map<Shape, java.util.Deque<Spare>> spares = new ConcurrentHashMap<>();
    /** Every spare ever started, until it exits: what {@link #close} waits for. */
    private final java.util.Set<Process> spareProcesses = ConcurrentHashMap.newKeySet();

    /** What a spare must match: the JVM's heap and processors are fixed when it starts. */
    private record Shape(int memoryMiB, int vcpus) {
    }

    /** A domain process started and warmed up ahead of need ({@code DomainProcessMain --spare}). */
    private static final class Spare {
        final Process process;
        /** Completes when the spare says it is warm; fails if it exits first. */
        final CompletableFuture<Void> warm = new CompletableFuture<>();

        Spare(Process process) {
            this.process = process;
        }

        boolean ready() {
            return warm.isDone() && !warm.isCompletedExceptionally() && process.isAlive();
        }
    }

    /** One domain's process. */
    public static final class DomainProcess {
        private final DomainHandle handle;
        private final Process process;
        private final Path configFile;
        private final CompletableFuture<String> gone = new CompletableFuture<>();

        private DomainProcess(DomainHandle handle, Process process, Path configFile) {
            this.handle = handle;
            this.process = process;
            this.configFile = configFile;
        }

        public DomainHandle handle() {
            return handle;
        }

        public long pid() {
            return process.pid();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** Completes with the reason once the process has gone (exited, killed, or its connection ended). */
        public CompletableFuture<String> gone() {
            return gone;
        }
    }

    private ProcessDomains(Hypervisor hv, Path runDir, DomainProcessCommand.Settings settings, DomainFiles files,
                           BiConsumer<DomainHandle, String> onDeath) {
        this.hv = hv;
        this.runDir = runDir;
        this.settings = settings;
        this.onDeath = onDeath;
        this.server = HypercallServer.start(runDir.resolve("hypercalls.sock"), hv, files, new HypercallServer.Listener() {
            @Override
            public void onDisconnect(DomainHandle handle, Disconnect why) {
                died(handle, "its hypercall connection ended: " + why);
            }
        });
    }

    /**
     * Serves process domains of {@code hv} (whose pages {@code files} locates) from {@code runDir}:
     * the hypercall socket and each domain's config file live there.
     *
     * @param onDeath told once per domain process that went without being {@linkplain #stop stopped},
     *                with the reason; called on a background thread
     */
    public static ProcessDomains start(Hypervisor hv, Path runDir, DomainProcessCommand.Settings settings, DomainFiles files,
                                       BiConsumer<DomainHandle, String> onDeath) {
        Objects.requireNonNull(onDeath, "onDeath");
        return new ProcessDomains(hv, runDir, settings, files, onDeath);
    }

    /**
     * Starts the process of {@code handle}, a domain already created in the hypervisor, and waits until it
     * reports ready.
     *
     * @throws ProcessDomainException if the process cannot be started, exits before it is ready, or is not
     *                                ready within {@code readyTimeout} (it is killed then)
     */
    public DomainProcess launch(DomainHandle handle, DomainSpec spec, Duration readyTimeout) {
        if (closed) {
            throw new IllegalStateException("the process backend is closed");
        }
        Path config = runDir.resolve("dom" + handle.domid() + "-g" + handle.generation() + ".cfg");
        try {
            Files.writeString(config, DomainConfigWriter.write(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProcessDomainException("cannot write the config of " + spec.name() + " to " + config + ": " + e.getMessage(), e);
        }
        String readyPath = "/local/domain/" + handle.domid() + "/" + READY_NODE;
        XenStore watcher = hv.dom0().openStore();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        watcher.onWatchEvent(ev -> {
            Result<String> v = watcher.read(readyPath);
            if (v.isOk() && "1".equals(v.orThrow())) {
                ready.complete(null);
            }
        });
        watcher.watch(readyPath, "ready").orThrow();
        LaunchTicket ticket = server.admit(handle);
        Shape shape = new Shape(spec.memoryMiB(), spec.vcpus());
        Process p = handOver(takeSpare(shape), ticket, config);
        if (p == null) {
            List<String> cmd = DomainProcessCommand.of(spec, config, settings, cdsFor());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().putAll(ticket.environment());
            try {
                p = pb.start();
            } catch (IOException e) {
                server.revoke(handle);
                watcher.close();
                deleteQuietly(config);
                throw new ProcessDomainException("cannot start the process of " + spec.name() + " (" + cmd.getFirst() + "): " + e.getMessage(), e);
            }
            log.info("{} ({}) started as process {}", spec.name(), handle, p.pid());
        } else {
            log.info("{} ({}) runs in spare process {}", spec.name(), handle, p.pid());
        }
        Thread.ofVirtual().name("lingon-spares").start(() -> replenish(shape));
        DomainProcess dp = new DomainProcess(handle, p, config);
        processes.put(handle, dp);
        p.onExit().thenAccept(x -> died(handle, "its process " + x.pid() + " exited with status " + x.exitValue()
                + (x.exitValue() == 137 || x.exitValue() == 128 + 9 ? " (killed)" : "")));
        try {
            CompletableFuture.anyOf(ready, dp.gone).get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new ProcessDomainException(spec.name() + " did not report ready within " + readyTimeout.toMillis() + " ms; its process was killed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new ProcessDomainException("interrupted while " + spec.name() + " was booting; its process was killed");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            watcher.close();
        }
        if (!ready.isDone()) {
            throw new ProcessDomainException(spec.name() + " went before it was ready: " + dp.gone.getNow("?"));
        }
        return dp;
    }

    /** A warm spare of that shape, taken out of the pool; null if there is none. */
    private Spare takeSpare(Shape shape) {
        java.util.Deque<Spare> q = spares.get(shape);
        if (q == null) {
            return null;
        }
        synchronized (q) {
            for (java.util.Iterator<Spare> it = q.iterator(); it.hasNext(); ) {
                Spare s = it.next();
                if (s.ready()) {
                    it.remove();
                    return s;
                }
            }
        }
        return null;
    }

    /** Makes {@code spare} the domain of {@code ticket}; null (and the spare ended) if it cannot take it. */
    private Process handOver(Spare spare, LaunchTicket ticket, Path config) {
        if (spare == null) {
            return null;
        }
        try {
            var in = spare.process.getOutputStream();
            in.write(DomainProcessMain.launchLine(ticket, config).getBytes(StandardCharsets.UTF_8));
            in.flush();
            return spare.process;
        } catch (IOException e) {
            log.debug("spare process {} could not take a domain: {}", spare.process.pid(), e.toString());
            spare.process.destroyForcibly();
            return null;
        }
    }

    /** Starts spares until the pool of that shape holds {@link DomainProcessCommand.Settings#spares()} live ones. */
    private void replenish(Shape shape) {
        if (settings.spares() == 0) {
            return;
        }
        java.util.Deque<Spare> q = spares.computeIfAbsent(shape, k -> new java.util.ArrayDeque<>());
        synchronized (q) {
            q.removeIf(s -> !s.process.isAlive());
            while (!closed && q.size() < settings.spares()) {
                Spare s = startSpare(shape);
                if (s == null) {
                    return;
                }
                q.add(s);
            }
        }
    }

    private Spare startSpare(Shape shape) {
        List<String> cmd = DomainProcessCommand.spare(shape.memoryMiB(), shape.vcpus(), settings, cdsFor());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            log.warn("cannot start a spare domain process: {}", e.toString());
            return null;
        }
        spareProcesses.add(p);
        Spare s = new Spare(p);
        p.onExit().thenRun(() -> {
            spareProcesses.remove(p);
            s.warm.completeExceptionally(new IllegalStateException("the spare exited"));
        });
        Thread.ofVirtual().name("lingon-spare-" + p.pid()).start(() -> {
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!s.warm.isDone() && line.equals(DomainProcessMain.SPARE_READY)) {
                        s.warm.complete(null);
                    } else {
                        // Once it is a domain, what it prints is the domain's: logged, as its own log lines are.
                        log.info("process {} says: {}", p.pid(), line);
                    }
                }
            } catch (IOException e) {
                // the spare has gone
            }
        });
        log.debug("spare domain process {} started for {} MiB, {} vCPUs", p.pid(), shape.memoryMiB(), shape.vcpus());
        return s;
    }

    /** Process ids of the spares that are warm now; for diagnostics and tests. */
    public List<Long> warmSpares() {
        List<Long> out = new java.util.ArrayList<>();
        for (java.util.Deque<Spare> q : spares.values()) {
            synchronized (q) {
                q.stream().filter(Spare::ready).forEach(s -> out.add(s.process.pid()));
            }
        }
        return out;
    }

    /** Map the archive if it is there; else let the first process write it, and the others boot cold meanwhile. */
    private DomainProcessCommand.Cds cdsFor() {
        Optional<Path> a = settings.cdsArchive();
        if (a.isEmpty()) {
            return DomainProcessCommand.Cds.NONE;
        }
        if (Files.isRegularFile(a.get())) {
            return DomainProcessCommand.Cds.USE;
        }
        return archiveWriter.compareAndSet(false, true) ? DomainProcessCommand.Cds.WRITE : DomainProcessCommand.Cds.NONE;
    }

    private void died(DomainHandle handle, String why) {
        DomainProcess dp = processes.get(handle);
        if (dp == null || !dp.gone.complete(why)) {
            return;
        }
        log.warn("the process of {} has gone: {}", handle, why);
        if (!closed) {
            onDeath.accept(handle, why);
        }
    }

    /** The process of that domain, while it has one. */
    public Optional<DomainProcess> process(DomainHandle handle) {
        return Optional.ofNullable(processes.get(handle));
    }

    /**
     * Ends a domain's process, as {@code xl destroy} ends a VM: {@code SIGTERM}, on which the process halts
     * at once (its application gets no say, as a destroyed VM's doesn't; a clean poweroff has stopped
     * it before), {@code SIGKILL} if it is still there after {@code grace}. Returns at once: the caller
     * may destroy the domain and start its next incarnation while the process exits (which takes
     * seconds when it writes the CDS archive). Its hypercall connection ends, and its config file goes,
     * when it has exited. Its owner hears nothing of this one.
     */
    public void stop(DomainHandle handle, Duration grace) {
        DomainProcess dp = processes.remove(handle);
        server.revoke(handle);
        if (dp == null) {
            return;
        }
        dp.gone.complete(hv.info(handle).map(i -> switch (i.state()) {
            case CRASHED -> "it crashed";
            case SHUTDOWN -> "it shut down (" + i.shutdownReason() + ")";
            default -> "dom0 destroyed it";
        }).orElse("dom0 destroyed it"));
        CompletableFuture<Void> cleaned = dp.process.onExit().thenRun(() -> {
            server.disconnect(handle);
            deleteQuietly(dp.configFile);
        });
        stopping.put(handle, cleaned);
        cleaned.thenRun(() -> stopping.remove(handle, cleaned));
        if (dp.process.isAlive()) {
            // A paused (SIGSTOPped) process takes SIGTERM only once continued.
            Signals.send(dp.process.pid(), Signals.SIGCONT);
            Signals.send(dp.process.pid(), Signals.SIGTERM);
            CompletableFuture.delayedExecutor(grace.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (dp.process.isAlive()) {
                    log.warn("the process of {} did not stop within {} ms; killing it", handle, grace.toMillis());
                    dp.process.destroyForcibly();
                }
            });
        }
    }

    /**
     * Waits until every process told to stop has exited and its connection and config file are gone;
     * false if some are still there after {@code timeout}.
     */
    public boolean awaitStopped(Duration timeout) {
        try {
            CompletableFuture.allOf(stopping.values().toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The socket domain processes make their hypercalls on. */
    public Path hypercallSocket() {
        return server.socketPath();
    }

    /** Stops every domain process, then the hypercall server. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (DomainHandle h : List.copyOf(processes.keySet())) {
            stop(h, Duration.ofSeconds(10));
        }
        // Spares have nothing to lose: end them now (a spare still warming up would notice the end of its
        // input only once warm).
        for (Process p : List.copyOf(spareProcesses)) {
            p.destroyForcibly();
        }
        for (Process p : List.copyOf(spareProcesses)) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!awaitStopped(Duration.ofSeconds(15))) {
            log.warn("some domain processes outlive the grace period");
        }
        server.close();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("could not delete {}: {}", p, e.toString());
        }
    }

    /** A process domain could not be started. */
    public static final class ProcessDomainException extends RuntimeException {
        public ProcessDomainException(String message) {
            super(message);
        }

        public ProcessDomainException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
