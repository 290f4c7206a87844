package dev.lingon.kernel.dom0;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;
import dev.lingon.kernel.api.ImageManifest;
import dev.lingon.kernel.boot.BootedDomain;
import dev.lingon.kernel.boot.DeviceProvider;
import dev.lingon.kernel.boot.Kernel;
import dev.lingon.kernel.process.ProcessDomains;
import dev.lingon.kernel.process.ProcessMetrics;
import dev.lingon.supervision.api.MonotonicClock;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainDecision;
import dev.lingon.supervision.api.domain.DomainRestartTracker;
import dev.lingon.supervision.api.domain.DomainShutdownReason;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XsPermission;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * dom0's toolstack: creates domains from their specs and boots them, keeps the name → domid index
 * other domains read ({@code /lingon/domains/<name>}), and supervises above the root: when a domain
 * shuts down or crashes, it applies the domain's {@code on_poweroff} / {@code on_reboot} /
 * {@code on_crash} / {@code on_watchdog} through the domain restart policy model, within its restart
 * intensity (a domain that keeps crashing is left crashed, with a report). A restarted domain keeps
 * its name and gets a new domid and generation.
 *
 * <p>Thread-safe. Domain events are handled one at a time on the toolstack's own thread, never on the
 * thread of the hypercall that caused them (that may be a vCPU of the dying domain).
 */
public final class Toolstack implements Dom0Api, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Toolstack.class);
    /** Where other domains find a domain's id by name: a dom0 node readable by every domain. */
    public static final String NAME_INDEX = "/lingon/domains";

    private final Hypervisor hv;
    private final DeviceProvider devices;
    private final ConsoleService consoles;
    private final Path coreDumpDir;
    private final MonotonicClock clock;
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lingon-toolstack");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Managed> byName = new LinkedHashMap<>();
    private final Map<String, DomainRestartTracker> trackers = new LinkedHashMap<>();
    private final TopSampler topSampler = new TopSampler();
    private final java.util.function.Consumer<DomainInfo> listener = this::onDomainChange;
    private volatile boolean closed;
    /** The process backend, when this dom0 has one ({@link #useProcessDomains}). */
    private volatile ProcessDomains processes;

    /** A domain the toolstack made. */
    private static final class Managed {
        final DomainSpec spec;
        final DomainHandle handle;
        /** Its image manifest: which kernel services it runs. */
        volatile ImageManifest image;
        /** Set once an in-process domain has booted; null for a process domain. */
        volatile BootedDomain booted;
        /** Set once a process domain has reported ready; null for an in-process domain. */
        volatile ProcessDomains.DomainProcess process;
        /** When its boot began, on the toolstack's clock: where {@code top}'s counters start from zero. */
        volatile long bootedAtNanos;
        volatile String name;

        Managed(DomainSpec spec, DomainHandle handle) {
            this.spec = spec;
            this.handle = handle;
            this.name = spec.name();
        }
    }

    public Toolstack(Hypervisor hv, DeviceProvider devices, ConsoleService consoles, Path coreDumpDir, MonotonicClock clock) {
        this.hv = hv;
        this.devices = devices;
        this.consoles = consoles;
        this.coreDumpDir = coreDumpDir;
        this.clock = clock;
        XenDomainStore.ensureIndex(hv.dom0());
        hv.addDomainListener(listener);
    }

    public Hypervisor hypervisor() {
        return hv;
    }

    /**
     * Lets this toolstack run domains whose spec says {@code backend = "process"}, through
     * {@code processes}, which must serve this toolstack's hypervisor and report deaths to
     * {@link #domainProcessDied}. Set once, before such a domain is created.
     */
    public void useProcessDomains(ProcessDomains processes) {
        if (this.processes != null) {
            throw new IllegalStateException("this toolstack already has a process backend");
        }
        this.processes = java.util.Objects.requireNonNull(processes, "processes");
    }

    /**
     * A process domain's process has gone without dom0 stopping it (it exited, was killed, or its
     * hypercall connection broke): the domain has crashed, as a VM whose vCPUs stopped would. Its
     * {@code on_crash} applies through the usual path; a domain already shut down keeps its reason.
     */
    public void domainProcessDied(DomainHandle handle, String why) {
        Optional<DomainInfo> info = hv.info(handle);
        if (info.isEmpty()) {
            return;
        }
        DomainState st = info.get().state();
        if (st == DomainState.RUNNING || st == DomainState.PAUSED || st == DomainState.BLOCKED) {
            log.warn("{} (dom{}) crashed: {}", info.get().name(), handle.domid(), why);
            Errno e = hv.shutdown(handle, dev.lingon.xen.api.ShutdownReason.CRASH);
            if (!e.isOk()) {
                log.warn("could not mark dom{} crashed: {}", handle.domid(), e);
            }
        }
    }

    // ================================================================ create

    @Override
    public DomainStatus create(DomainSpec spec) {
        checkOpen();
        synchronized (this) {
            if (byName.containsKey(spec.name())) {
                throw new Dom0Exception(Dom0Exception.Kind.ALREADY_EXISTS, "a domain named '" + spec.name() + "' already exists");
            }
        }
        ImageManifest image;
        Application app = null;
        try {
            image = ImageManifest.forClassName(spec.application(), Thread.currentThread().getContextClassLoader());
            if (spec.backend() == DomainSpec.Backend.INPROC) {
                app = image.application().getDeclaredConstructor().newInstance();
            }
        } catch (IllegalArgumentException e) {
            throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, spec.source() + ": " + e.getMessage(), e);
        } catch (ReflectiveOperationException e) {
            throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, spec.source() + ": cannot instantiate " + spec.application()
                    + " (it needs a public no-argument constructor): " + e, e);
        }
        ProcessDomains pd = processes;
        if (spec.backend() == DomainSpec.Backend.PROCESS && pd == null) {
            throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, spec.source() + ": backend 'process' is not available in this dom0"
                    + " (it was started without the process backend, which needs Linux on amd64 or aarch64); use backend = \"inproc\"");
        }
        Result<DomainHandle> created = hv.createDomain(new DomainConfig(spec.name(), spec.vcpus(), spec.memoryMiB() * 256,
                dev.lingon.xen.layout.GrantEntryLayout.DEFAULT_MAX_GRANT_FRAMES));
        if (!created.isOk()) {
            throw new Dom0Exception(created.errno() == Errno.EEXIST ? Dom0Exception.Kind.ALREADY_EXISTS : Dom0Exception.Kind.FAILED,
                    "cannot create domain '" + spec.name() + "': " + created.errno() + " " + ((Result.Err<DomainHandle>) created).detail());
        }
        DomainHandle h = created.orThrow();
        XenDomain domain = hv.domain(h).orElseThrow();
        Managed m = new Managed(spec, h);
        m.image = image;
        synchronized (this) {
            byName.put(spec.name(), m);
            trackers.computeIfAbsent(spec.name(), n -> new DomainRestartTracker(n, spec.policy(), clock));
        }
        XenDomainStore.publish(hv.dom0(), spec.name(), h.domid());
        try {
            m.bootedAtNanos = clock.nanoTime();
            if (spec.backend() == DomainSpec.Backend.PROCESS) {
                m.process = pd.launch(h, spec, Duration.ofSeconds(60));
            } else {
                m.booted = Kernel.boot(domain, spec, image, app, devices).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        } catch (ProcessDomains.ProcessDomainException e) {
            if (closed) {
                // dom0 is stopping, and stopped it on its way
                throw new Dom0Exception(Dom0Exception.Kind.FAILED, "domain '" + spec.name() + "' was stopped while it booted: dom0 is stopping", e);
            }
            log.error("domain {} (dom{}) failed to boot: {}", spec.name(), h.domid(), e.getMessage());
            // As when an in-process kernel fails to boot: the domain has crashed, and on_crash decides.
            domainProcessDied(h, e.getMessage());
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "domain '" + spec.name() + "' failed to boot: " + e.getMessage(), e);
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
            log.error("domain {} (dom{}) failed to boot: {}", spec.name(), h.domid(), cause.toString());
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "domain '" + spec.name() + "' failed to boot: " + cause.getMessage(), cause);
        }
        if (consoles != null && image.has(dev.lingon.kernel.api.KernelService.CONSOLE)) {
            consoles.attach(h.domid());
        }
        log.info("created {} as dom{} (generation {})", spec.name(), h.domid(), h.generation());
        return status(m).orElseThrow();
    }

    // ================================================================ supervision above the root

    private void onDomainChange(DomainInfo info) {
        if (info.state() == DomainState.SHUTDOWN || info.state() == DomainState.CRASHED) {
            events.execute(() -> handleShutdown(info));
        }
    }

    private void handleShutdown(DomainInfo info) {
        Managed m;
        DomainRestartTracker tracker;
        synchronized (this) {
            m = byHandle(info.handle());
            tracker = m == null ? null : trackers.get(m.spec.name());
        }
        if (m == null || closed) {
            return;
        }
        DomainShutdownReason reason = DomainShutdownReason.fromCode(info.shutdownReason().code());
        DomainDecision d = tracker.onShutdown(reason);
        log.info("{} (dom{}) shut down: {} → {}", m.name, info.domid(), reason.xenName(), d);
        switch (d) {
            case DomainDecision.Apply a -> apply(m, a.action(), reason);
            case DomainDecision.LeaveCrashed lc -> log.warn("{} (dom{}) keeps crashing: left crashed instead of {} (restart intensity of {} reached)",
                    m.name, info.domid(), lc.refused().xlName(), m.spec.policy());
            case DomainDecision.Suspended s -> log.info("{} (dom{}) is suspended", m.name, info.domid());
        }
    }

    private void apply(Managed m, DomainAction action, DomainShutdownReason reason) {
        switch (action) {
            case DESTROY -> teardown(m);
            case RESTART, SOFT_RESET -> {
                teardown(m);
                recreate(m.spec);
            }
            case PRESERVE -> log.info("{} (dom{}) preserved in state {}", m.name, m.handle.domid(), reason.xenName());
            case RENAME_RESTART -> {
                String keptAs = m.spec.name() + "-dom" + m.handle.domid();
                Errno renamed = hv.rename(m.handle, keptAs);
                if (!renamed.isOk()) {
                    log.error("cannot rename {} (dom{}) to {}: {}; leaving it as it is", m.name, m.handle.domid(), keptAs, renamed);
                    return;
                }
                synchronized (this) {
                    byName.remove(m.spec.name());
                    m.name = keptAs;
                    byName.put(keptAs, m);
                }
                log.info("{} (dom{}) kept as {}; starting a new {}", m.spec.name(), m.handle.domid(), keptAs, m.spec.name());
                recreate(m.spec);
            }
            case COREDUMP_DESTROY -> {
                coreDump(m, reason);
                teardown(m);
            }
            case COREDUMP_RESTART -> {
                coreDump(m, reason);
                teardown(m);
                recreate(m.spec);
            }
        }
    }

    private void recreate(DomainSpec spec) {
        try {
            create(spec);
        } catch (Dom0Exception e) {
            log.error("restarting {} failed: {}", spec.name(), e.getMessage());
        }
    }

    /** Ends a domain: its actor system and kernel, its console, its index entry, then the domain itself. */
    private void teardown(Managed m) {
        synchronized (this) {
            byName.remove(m.name, m);
        }
        BootedDomain b = m.booted;
        if (b != null) {
            b.terminate(Duration.ofSeconds(10));
        }
        ProcessDomains pd = processes;
        if (pd != null && m.spec.backend() == DomainSpec.Backend.PROCESS) {
            pd.stop(m.handle, Duration.ofSeconds(10));
        }
        topSampler.forget(m.handle.domid());
        if (consoles != null) {
            consoles.detach(m.handle.domid());
        }
        XenDomainStore.unpublish(hv.dom0(), m.spec.name(), m.handle.domid());
        hv.destroy(m.handle);
    }

    private void coreDump(Managed m, DomainShutdownReason reason) {
        try {
            Files.createDirectories(coreDumpDir);
            Path file = coreDumpDir.resolve(m.spec.name() + "-dom" + m.handle.domid() + "-g" + m.handle.generation() + ".core.txt");
            StringBuilder sb = new StringBuilder();
            sb.append("domain ").append(m.spec.name()).append(" dom").append(m.handle.domid()).append(" generation ")
                    .append(m.handle.generation()).append('\n').append("shutdown reason ").append(reason.xenName()).append('\n');
            hv.info(m.handle).ifPresent(i -> sb.append("info ").append(i).append('\n'));
            if (m.booted != null) {
                sb.append("scheduler ").append(m.booted.metrics()).append('\n');
            }
            if (consoles != null) {
                sb.append("console:\n");
                try (AutoCloseable c = consoles.subscribe(m.handle.domid(), false, l -> sb.append("  ").append(l).append('\n'))) {
                    // the replay happens inside subscribe
                }
            }
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
            log.info("core of {} written to {}", m.spec.name(), file);
        } catch (Exception e) {
            log.warn("could not write the core of {}: {}", m.spec.name(), e.toString());
        }
    }

    // ================================================================ the rest of xl

    private Managed find(String domain) {
        synchronized (this) {
            Managed m = byName.get(domain);
            if (m != null) {
                return m;
            }
            try {
                int id = Integer.parseInt(domain);
                for (Managed x : byName.values()) {
                    if (x.handle.domid() == id) {
                        return x;
                    }
                }
            } catch (NumberFormatException e) {
                // a name, and not one we know
            }
        }
        if ("Domain-0".equals(domain) || "0".equals(domain)) {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "that is dom0 itself; it cannot be " + "controlled from here");
        }
        throw new Dom0Exception(Dom0Exception.Kind.UNKNOWN_DOMAIN, "no domain named or numbered '" + domain + "'");
    }

    private Managed byHandle(DomainHandle h) {
        for (Managed m : byName.values()) {
            if (m.handle.equals(h)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public void shutdown(String domain) {
        requestShutdown(find(domain), "poweroff");
    }

    @Override
    public void reboot(String domain) {
        requestShutdown(find(domain), "reboot");
    }

    /** xl's PV shutdown: write the request to the domain's control/shutdown; its control device does the rest. */
    private void requestShutdown(Managed m, String what) {
        if (m.image == null || !m.image.has(dev.lingon.kernel.api.KernelService.CONTROL)) {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, m.name + " has no control device (its image does not name 'control'); use destroy");
        }
        Result<Void> w = hv.dom0().store().write("/local/domain/" + m.handle.domid() + "/control/shutdown", what);
        if (!w.isOk()) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "cannot ask " + m.name + " to " + what + ": " + w.errno());
        }
    }

    @Override
    public void destroy(String domain) {
        Managed m = find(domain);
        CompletableFuture.runAsync(() -> teardown(m), events).join();
    }

    @Override
    public void pause(String domain) {
        Managed m = find(domain);
        Errno e = hv.pause(m.handle);
        if (!e.isOk()) {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "cannot pause " + m.name + ": " + e);
        }
        ProcessDomains.DomainProcess p = m.process;
        if (p != null && !dev.lingon.kernel.process.Signals.send(p.pid(), dev.lingon.kernel.process.Signals.SIGSTOP)) {
            log.warn("{}: SIGSTOP to process {} was not delivered (it has gone)", m.name, p.pid());
        }
    }

    @Override
    public void unpause(String domain) {
        Managed m = find(domain);
        ProcessDomains.DomainProcess p = m.process;
        if (p != null && !dev.lingon.kernel.process.Signals.send(p.pid(), dev.lingon.kernel.process.Signals.SIGCONT)) {
            log.warn("{}: SIGCONT to process {} was not delivered (it has gone)", m.name, p.pid());
        }
        Errno e = hv.unpause(m.handle);
        if (!e.isOk()) {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "cannot unpause " + m.name + ": " + e);
        }
    }

    @Override
    public AutoCloseable console(String domain, boolean follow, Consumer<String> lines) {
        Managed m = find(domain);
        if (consoles == null) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "this dom0 runs no console daemon");
        }
        return consoles.subscribe(m.handle.domid(), follow, lines);
    }

    @Override
    public List<DomainStatus> list() {
        List<DomainStatus> out = new ArrayList<>();
        for (DomainInfo i : hv.list()) {
            Managed m;
            synchronized (this) {
                m = byHandle(i.handle());
            }
            String name = m != null ? m.name : i.name();
            int mem = m != null ? m.spec.memoryMiB() : i.maxPages() / 256;
            out.add(new DomainStatus(name, i.domid(), i.state().letter(), i.vcpus(), mem,
                    Duration.ofNanos(Math.max(0, hv.clock().nanoTime() - i.createdAtNanos()))));
        }
        return out;
    }

    private Optional<DomainStatus> status(Managed m) {
        return list().stream().filter(s -> s.domid() == m.handle.domid()).findFirst();
    }

    @Override
    public List<DomainTop> top() {
        List<Managed> ms;
        synchronized (this) {
            ms = new ArrayList<>(byName.values());
        }
        List<DomainTop> out = new ArrayList<>();
        for (Managed m : ms) {
            BootedDomain b = m.booted;
            ProcessMetrics s;
            if (b != null) {
                s = ProcessMetrics.of(b.metrics());
            } else if (m.process != null) {
                // A process domain publishes its figures in XenStore; dom0 reads what it last wrote.
                Result<String> text = hv.dom0().store().read("/local/domain/" + m.handle.domid() + "/" + ProcessMetrics.NODE);
                Optional<ProcessMetrics> p = text.isOk() ? ProcessMetrics.parse(text.orThrow()) : Optional.empty();
                if (p.isEmpty()) {
                    continue;
                }
                s = p.get();
            } else {
                continue;
            }
            TopSampler.Rates r = topSampler.rates(m.handle.domid(), m.bootedAtNanos,
                    new TopSampler.Sample(clock.nanoTime(), s.busyNanos(), s.slices(), s.eventsDelivered()));
            out.add(new DomainTop(m.name, m.handle.domid(), s.vcpus(), r.cpuPercent(), r.slicesPerSec(), r.eventsPerSec(),
                    s.steals(), s.runQueueLength()));
        }
        return out;
    }

    /** The booted domain of that name, for demos and tests. */
    public Optional<BootedDomain> booted(String domain) {
        synchronized (this) {
            Managed m = byName.get(domain);
            return m == null ? Optional.empty() : Optional.ofNullable(m.booted);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "the toolstack is closed");
        }
    }

    /** Destroys every domain (newest first), stops the console daemon and the toolstack thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        hv.removeDomainListener(listener);
        List<Managed> ms;
        synchronized (this) {
            ms = new ArrayList<>(byName.values());
        }
        for (Managed m : ms.reversed()) {
            teardown(m);
        }
        if (consoles != null) {
            consoles.close();
        }
        events.shutdownNow();
    }

    /** The name index in XenStore. */
    static final class XenDomainStore {
        private XenDomainStore() {
        }

        static void ensureIndex(XenDomain dom0) {
            var xs = dom0.store();
            xs.mkdir(NAME_INDEX).orThrow();
            // dom0 owns it, every other domain may read it.
            xs.setPermissions(NAME_INDEX, List.of(XsPermission.read(DomId.DOM0))).orThrow();
        }

        static void publish(XenDomain dom0, String name, int domid) {
            dom0.store().write(NAME_INDEX + "/" + name, Integer.toString(domid)).orThrow();
        }

        static void unpublish(XenDomain dom0, String name, int domid) {
            var xs = dom0.store();
            Result<String> cur = xs.read(NAME_INDEX + "/" + name);
            if (cur.isOk() && cur.orThrow().equals(Integer.toString(domid))) {
                xs.rm(NAME_INDEX + "/" + name);
            }
        }
    }

    /** Writes the core dump directory default: {@code $TMPDIR/lingon-cores}. */
    public static Path defaultCoreDumpDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lingon-cores");
    }

}
