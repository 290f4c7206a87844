package dev.lingon.scheduler.sim;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelExecutorConfigurator;
import dev.lingon.scheduler.api.KernelSetup;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import scala.concurrent.BlockContext;
import scala.concurrent.CanAwait;
import scala.concurrent.ExecutionContext;
import scala.Function0;

/**
 * Deterministic simulation: every domain of an in-process hypervisor, and every actor system on them,
 * run on ONE thread (the driver, the thread that created the simulation), in an order chosen by a
 * seeded random generator, under virtual time. The same seed replays the same run; another seed
 * explores another interleaving.
 *
 * <pre>{@code
 * Simulation.check(42L, sim -> {
 *     XenDomain a = sim.domain("a");
 *     ActorSystem<Cmd> sys = sim.actorSystem(a, guardian());
 *     sim.runFor(Duration.ofSeconds(5));          // virtual seconds
 *     assertEquals(expected, observed);
 * });                                             // a failure names the seed to replay
 * }</pre>
 *
 * <p>How: each dispatcher's executor only appends its task to the simulation's run list; the driver
 * picks the next task uniformly at random with the seeded generator and runs it (one mailbox run =
 * the unit of interleaving; throughput is 1 by default to explore the most interleavings). After each
 * task it scans every domain's pending event-channel ports and tells the bound actors, as a vCPU
 * would. When nothing is runnable it advances the virtual clock to the earliest timer
 * ({@link VirtualTimeScheduler}, one clock for all systems, ties in the order set). The hypervisor
 * runs on the same clock. Nothing reads the wall clock.
 *
 * <p>The traps it avoids (see the project's simulation notes): Pekko starts no thread (its scheduler and
 * every dispatcher are replaced; JVM shutdown hooks are off); a system's creation, which awaits its
 * logger, drains the run list inside that await instead of blocking; actor uids come from the driver's
 * {@code ThreadLocalRandom}, which is seeded ({@link DeterministicUids}); dead-letter logging, which
 * throttles on wall-clock time, is off; a terminated system's timers are dropped. Work submitted from
 * any other thread is an error that fails the run, since it could not be replayed.
 *
 * <p>Not thread-safe: the driver thread only.
 */
public final class Simulation implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Simulation.class);
    private static final Map<String, Simulation> BY_ID = new ConcurrentHashMap<>();
    private static final AtomicLong IDS = new AtomicLong();

    /** Something to run in a simulation; may throw anything (assertions included). */
    @FunctionalInterface
    public interface Scenario {
        void run(Simulation sim) throws Exception;
    }

    private final long seed;
    private final String id;
    private final Thread driver;
    private final SplittableRandom random;
    private final SimClock clock = new SimClock();
    private final Hypervisor hv;
    private final Config baseConfig;
    private final List<Task> ready = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Map<XenDomain, SimKernel> kernels = new LinkedHashMap<>();
    private final List<ActorSystem<?>> systems = new ArrayList<>();
    private final List<TraceEntry> trace = new ArrayList<>();
    private final boolean keepTrace;
    private long traceHash = 0xCBF29CE484222325L;
    private long steps;
    private long timerSeq;
    private long taskSeq;
    private volatile String foreignSubmission;
    private boolean closed;

    private record Task(SimKernel kernel, Runnable runnable, long seq) {
    }

    private final class Timer implements Comparable<Timer>, Cancellable {
        final VirtualTimeScheduler owner;
        final long seq;
        long due;
        final long interval;
        final Runnable runnable;
        final ExecutionContext ec;
        boolean cancelled;

        Timer(VirtualTimeScheduler owner, long due, long interval, Runnable runnable, ExecutionContext ec) {
            this.owner = owner;
            this.seq = timerSeq++;
            this.due = due;
            this.interval = interval;
            this.runnable = runnable;
            this.ec = ec;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            if (cancelled) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    private Simulation(long seed, boolean keepTrace) {
        this.seed = seed;
        this.keepTrace = keepTrace;
        this.id = "sim-" + IDS.incrementAndGet();
        this.driver = Thread.currentThread();
        this.random = new SplittableRandom(seed);
        DeterministicUids.seedCurrentThread(seed);
        BY_ID.put(id, this);
        this.hv = Hypervisors.inProcess(clock);
        this.baseConfig = ConfigFactory.parseString(String.join("\n",
                "lingon.simulation.id = \"" + id + "\"",
                "pekko.scheduler.implementation = \"" + VirtualTimeScheduler.class.getName() + "\"",
                "pekko.actor.default-mailbox.mailbox-type = \"" + TracingMailboxType.class.getName() + "\"",
                "pekko.actor.typed.default-mailbox.mailbox-type = \"" + TracingMailboxType.class.getName() + "\"",
                "pekko.actor.default-dispatcher.throughput-deadline-time = 0ms",
                "pekko.log-dead-letters = off",
                "pekko.log-dead-letters-during-shutdown = off",
                "pekko.jvm-shutdown-hooks = off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off",
                "pekko.coordinated-shutdown.terminate-actor-system = on",
                "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                "pekko.loglevel = WARNING",
                "pekko.stdout-loglevel = OFF"))
                .withFallback(Kernels.dispatcherConfig(KernelExecutorConfigurator.class.getName(), 1, true));
    }

    /** A simulation driven by the calling thread, with the full trace kept in memory. */
    public static Simulation create(long seed) {
        return new Simulation(seed, true);
    }

    /** As {@link #create}, keeping only the trace's hash (for long runs). */
    public static Simulation createHashOnly(long seed) {
        return new Simulation(seed, false);
    }

    /**
     * Runs a scenario in a fresh simulation and closes it. Any failure is rethrown as an
     * {@link AssertionError} that names the seed, so the run can be replayed exactly.
     */
    public static void check(long seed, Scenario scenario) {
        try (Simulation sim = create(seed)) {
            scenario.run(sim);
            sim.failIfForeign();
        } catch (Throwable t) {
            log.error("simulation with seed {} failed; replay it with Simulation.check({}L, …)", seed, seed);
            throw new AssertionError("simulation failed with seed " + seed + " (replay with Simulation.check(" + seed + "L, …)): " + t, t);
        }
    }

    static Simulation byId(String id) {
        Simulation s = BY_ID.get(id);
        if (s == null) {
            throw new IllegalStateException("no running simulation '" + id + "'");
        }
        return s;
    }

    public long seed() {
        return seed;
    }

    public Hypervisor hypervisor() {
        return hv;
    }

    public XenClock clock() {
        return clock;
    }

    /** Virtual time since the simulation began. */
    public Duration now() {
        return Duration.ofNanos(clock.nanoTime());
    }

    public long steps() {
        return steps;
    }

    /** Creates a domain (one vCPU) and its simulated kernel. */
    public XenDomain domain(String name) {
        checkDriver();
        XenDomain d = hv.domain(hv.createDomain(DomainConfig.named(name)).orThrow()).orElseThrow();
        kernels.put(d, new SimKernel(this, d));
        return d;
    }

    /** The simulated kernel of a domain made by {@link #domain}. */
    public DomainKernel kernel(XenDomain d) {
        SimKernel k = kernels.get(d);
        if (k == null) {
            throw new IllegalArgumentException(d + " was not created by this simulation");
        }
        return k;
    }

    /** An actor system on a simulated domain, named after it; runs until its guardian has started. */
    public <T> ActorSystem<T> actorSystem(XenDomain d, Behavior<T> guardian) {
        return actorSystem(d, guardian, ConfigFactory.empty());
    }

    /** As {@link #actorSystem(XenDomain, Behavior)}, with config overrides and extra setups (e.g. Xen mailboxes). */
    public <T> ActorSystem<T> actorSystem(XenDomain d, Behavior<T> guardian, Config extra, org.apache.pekko.actor.setup.Setup... setups) {
        checkDriver();
        SimKernel k = (SimKernel) kernel(d);
        Config config = extra.withFallback(baseConfig).withFallback(ConfigFactory.load()).resolve();
        ActorSystemSetup base = ActorSystemSetup.create(BootstrapSetup.create(config), new KernelSetup(k));
        for (org.apache.pekko.actor.setup.Setup s : setups) {
            base = base.withSetup(s);
        }
        ActorSystemSetup setup = base;
        // ActorSystem.create awaits its logger's start: inside that await, run the queue instead of blocking.
        ActorSystem<T> system = BlockContext.withBlockContext(new DrainingBlockContext(), () -> ActorSystem.create(guardian, d.name(), setup));
        systems.add(system);
        runUntilIdle();
        return system;
    }

    /** Inside a Scala {@code Await} on the driver: run the simulation's queue, then let the await check its future. */
    private final class DrainingBlockContext implements BlockContext {
        @Override
        public <T> T blockOn(Function0<T> thunk, CanAwait permission) {
            runUntilIdle();
            return thunk.apply();
        }
    }

    // ------------------------------------------------------------------ the driver loop

    /** Runs runnable tasks until there are none; does not advance time. Returns steps taken. */
    public long runUntilIdle() {
        long before = steps;
        while (step()) {
            // keep going
        }
        return steps - before;
    }

    /** Runs tasks and fires timers until {@code virtual} time has passed (or nothing is left to do). */
    public void runFor(Duration virtual) {
        long end = clock.nanoTime() + virtual.toNanos();
        while (true) {
            runUntilIdle();
            Timer t = nextTimer();
            if (t == null || t.due > end) {
                clock.advanceTo(end);
                return;
            }
            fire(t);
        }
    }

    /** Runs until the condition holds (checked after every step) or {@code maxVirtual} has passed; true if it held. */
    public boolean runUntil(BooleanSupplier condition, Duration maxVirtual) {
        long end = clock.nanoTime() + maxVirtual.toNanos();
        while (!condition.getAsBoolean()) {
            if (step()) {
                continue;
            }
            Timer t = nextTimer();
            if (t == null || t.due > end) {
                return condition.getAsBoolean();
            }
            fire(t);
        }
        return true;
    }

    /** Takes and runs one task chosen by the seeded generator; false if nothing is runnable. */
    public boolean step() {
        checkDriver();
        failIfForeign();
        if (ready.isEmpty()) {
            // Events raised from outside any task (by the test, or a timer's hypercall) are found here.
            scanEvents();
        }
        int n = ready.size();
        if (n == 0) {
            return false;
        }
        int i = random.nextInt(n);
        Task t = ready.get(i);
        Task last = ready.remove(n - 1);
        if (i < n - 1) {
            ready.set(i, last);
        }
        steps++;
        t.kernel().slices++;
        t.runnable().run();
        scanEvents();
        return true;
    }

    private void scanEvents() {
        for (SimKernel k : kernels.values()) {
            k.scanEvents();
        }
    }

    private Timer nextTimer() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        return t;
    }

    private void fire(Timer t) {
        timers.poll();
        clock.advanceTo(t.due);
        if (t.interval > 0) {
            t.due += t.interval;
            timers.add(t);
        }
        t.ec.execute(t.runnable);
    }

    // ------------------------------------------------------------------ hooks for executors, timers, mailboxes

    void enqueue(SimKernel kernel, Runnable task) {
        if (Thread.currentThread() != driver) {
            String what = "work submitted from thread '" + Thread.currentThread().getName() + "' (domain "
                    + kernel.domain().name() + "); a simulation runs on its driver thread '" + driver.getName()
                    + "' only, so this run could not be replayed";
            foreignSubmission = what;
            log.error(what);
            return;
        }
        ready.add(new Task(kernel, task, taskSeq++));
    }

    Cancellable addTimer(VirtualTimeScheduler owner, long delayNanos, long intervalNanos, Runnable runnable, ExecutionContext ec) {
        checkDriver();
        Timer t = new Timer(owner, clock.nanoTime() + delayNanos, intervalNanos, runnable, ec);
        timers.add(t);
        return t;
    }

    void dropTimers(VirtualTimeScheduler owner) {
        timers.removeIf(t -> t.owner == owner);
    }

    /**
     * Pekko names some system actors from JVM-wide counters ({@code /system/eventStreamUnsubscriber-4});
     * their digits would make two runs in one JVM differ by name only, so they are masked.
     */
    static String stablePath(String path) {
        return path.startsWith("/system/") ? SYSTEM_DIGITS.matcher(path).replaceAll("#") : path;
    }

    private static final java.util.regex.Pattern SYSTEM_DIGITS = java.util.regex.Pattern.compile("\\d+");

    void recordDelivery(SimKernel kernel, String actorPath, Object message) {
        String domain = kernel.domain().name();
        String cls = message.getClass().getName();
        traceHash = fnv(traceHash, domain);
        traceHash = fnv(traceHash, actorPath);
        traceHash = fnv(traceHash, cls);
        traceHash = fnv(traceHash, Long.toString(clock.nanoTime()));
        if (keepTrace) {
            trace.add(new TraceEntry(steps, clock.nanoTime(), domain, actorPath, cls));
        }
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        h ^= '|';
        h *= 0x100000001B3L;
        return h;
    }

    void checkDriver() {
        if (Thread.currentThread() != driver) {
            throw new IllegalStateException("a simulation is driven by thread '" + driver.getName()
                    + "' only; called from '" + Thread.currentThread().getName() + "'");
        }
    }

    private void failIfForeign() {
        String f = foreignSubmission;
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    // ------------------------------------------------------------------ results

    /** Every delivery so far, in order (empty for {@link #createHashOnly}). */
    public List<TraceEntry> trace() {
        return Collections.unmodifiableList(trace);
    }

    /** A 64-bit FNV-1a hash of the trace, as 16 hex digits. */
    public String traceHash() {
        return String.format("%016x", traceHash);
    }

    /** Deliveries recorded. */
    public long deliveries() {
        return keepTrace ? trace.size() : -1;
    }

    /** Terminates every actor system (running the simulation until they have), then the hypervisor. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (ActorSystem<?> s : systems) {
                s.terminate();
            }
            boolean done = runUntil(() -> systems.stream().allMatch(s -> s.whenTerminated().isCompleted()), Duration.ofMinutes(10));
            if (!done) {
                log.warn("simulation {} (seed {}): some actor systems did not terminate within 10 virtual minutes", id, seed);
            }
            for (SimKernel k : kernels.values()) {
                k.close();
            }
            ready.clear();
            timers.clear();
            hv.close();
        } finally {
            BY_ID.remove(id);
        }
    }
}
