package dev.lingon.scheduler.internal;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.xen.api.EventPending;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Lane;
import dev.lingon.scheduler.api.SchedulerMetrics;
import dev.lingon.scheduler.api.VcpuMetrics;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.api.XenDomain;

import dev.lingon.xen.vchan.WriteCombining;

import org.apache.pekko.actor.typed.ActorRef;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A domain's kernel on vCPU threads: the LING scheduler on Pekko.
 *
 * <p><b>Run queues.</b> Each vCPU has a FIFO run queue of mailbox runs ("slices"; Pekko's dispatcher
 * {@code throughput} is the slice's reduction budget). Work a vCPU creates (an actor telling another)
 * joins that vCPU's own queue, so a message exchange stays on one vCPU with no cross-thread hand-off;
 * work submitted from outside (timers, host threads) joins an idle vCPU's queue, else the next one's in
 * turn. Because every queue is FIFO and a mailbox that used its budget re-joins at the tail, an actor
 * that floods itself delays another by at most the slices queued ahead of it. The kernel lane (device
 * and system actors) is served before application work at every slice boundary. An idle vCPU steals
 * from the head of another's queue.
 *
 * <p><b>Events.</b> After every slice and whenever it runs dry, a vCPU looks at each vCPU slot's
 * {@code evtchn_upcall_pending} and, if set, scans that slot (selector word first), clearing each
 * pending port and telling the bound actor {@link EventPending}. Events raised twice before the scan
 * arrive once. A port with no binding is counted and logged once.
 *
 * <p><b>Idle.</b> A vCPU with nothing to do spins for {@code spinNanos}, then blocks in
 * {@code SCHEDOP_block}. To wake an idle vCPU the kernel sends on that vCPU's IPI port, exactly as a Xen
 * guest kicks another vCPU; a raised bound port wakes the vCPU it is routed to. No lost wake-up: a vCPU
 * marks itself idle before it looks at the queues and event bits a last time, and a submitter puts its
 * task in a queue before it looks for idle vCPUs. When the domain is no longer live (shut down,
 * crashed) vCPUs park on the host instead, so the actor system can still finish terminating; closing
 * the kernel ends them.
 *
 * <p>Thread-safe; the vCPU threads belong to this object.
 */
public final class VcpuKernel implements DomainKernel {
    private static final Logger log = LoggerFactory.getLogger(VcpuKernel.class);
    private static final int NR_PORTS = 4096;

    /** How long a lone task may wait behind a slice that makes no progress before an idle vCPU takes it. */
    static final long RESCUE_NANOS = 1_000_000;
    /** Slot runs in a row before a vCPU serves its queue again: the most another task waits behind a message chain. */
    static final int MAX_CHAIN = 32;
    /** Scan pending events after every 2^k-th slice (k = 2: every 4th), and whenever a vCPU runs dry. */
    static final int SCAN_EVERY_MASK = 3;

    private final XenDomain domain;
    private final KernelConfig config;
    private final EventChannels evtchn;
    private final Sched sched;
    private final XenClock clock;
    private final VcpuThread[] vcpus;
    private final int slots;
    private final ConcurrentLinkedQueue<Runnable> kernelLane = new ConcurrentLinkedQueue<>();
    private final AtomicReferenceArray<ActorRef<EventPending>> bindings = new AtomicReferenceArray<>(NR_PORTS);
    /** Ports the kernel uses itself (the vCPUs' IPIs); written before the threads start. */
    private final boolean[] ownPorts = new boolean[NR_PORTS];
    private final int[] ipiPort;
    private final BitSet unboundLogged = new BitSet();
    private final AtomicLong unboundEvents = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicInteger roundRobin = new AtomicInteger();
    /** vCPUs asleep with no deadline (see {@link #kickSleepersForever}). */
    private final AtomicInteger sleepersForever = new AtomicInteger();
    private volatile boolean closed;

    public VcpuKernel(XenDomain domain, KernelConfig config) {
        if (config.vcpus() > domain.vcpus()) {
            throw new IllegalArgumentException("a kernel of " + config.vcpus() + " vCPUs needs a domain with as many; dom"
                    + domain.domid() + " has " + domain.vcpus());
        }
        this.domain = domain;
        this.config = config;
        this.evtchn = domain.evtchn();
        this.sched = domain.sched();
        this.clock = sched.clock();
        this.slots = domain.vcpus();
        this.vcpus = new VcpuThread[config.vcpus()];
        this.ipiPort = new int[config.vcpus()];
        // As Linux does at boot: every port masked, so only ports bound to an actor (unmasked by bind)
        // flag a vCPU; a port the kernel knows nothing of waits, pending, for whoever binds it.
        for (int p = 1; p < NR_PORTS; p++) {
            evtchn.mask(p);
        }
        for (int v = 0; v < vcpus.length; v++) {
            ipiPort[v] = evtchn.bindIpi(v).orThrow();
            ownPorts[ipiPort[v]] = true;
            evtchn.unmask(ipiPort[v]);
        }
        for (int v = 0; v < vcpus.length; v++) {
            vcpus[v] = new VcpuThread(this, v, "lingon-" + domain.name() + "-vcpu" + v);
        }
        for (VcpuThread t : vcpus) {
            t.start();
        }
        log.debug("kernel of {} started: {}", domain.handle(), config);
    }

    @Override
    public XenDomain domain() {
        return domain;
    }

    public KernelConfig config() {
        return config;
    }

    /** A fresh view per call: Pekko shuts a dispatcher's executor down and asks for a new one at will. */
    @Override
    public ExecutorService executor(Lane lane) {
        return new LaneExecutor(this, lane);
    }

    // ------------------------------------------------------------------ submission

    void submit(Runnable task, Lane lane) {
        if (closed) {
            if (dropped.getAndIncrement() == 0) {
                log.debug("kernel of {} is closed: dropping work submitted after close", domain.handle());
            }
            return;
        }
        Thread me = Thread.currentThread();
        VcpuThread self = me instanceof VcpuThread vt && vt.kernel == this ? vt : null;
        if (lane == Lane.KERNEL) {
            kernelLane.offer(task);
            if (self == null || anyIdle()) {
                wakeOneIdle();
            }
            return;
        }
        if (self != null) {
            // Work an actor creates runs next on the same vCPU (the "next" slot), so a message exchange
            // stays on one core with no queue traffic; a mailbox rescheduling itself after using its
            // budget goes to the tail instead, which is what keeps a flooding actor fair. At most
            // MAX_CHAIN slot runs in a row, then the slot's task queues like any other.
            Hot hot = self.hot;
            if (task != hot.current && hot.chained < MAX_CHAIN && hot.slot == null) {
                SLOT.setRelease(hot, task);
                kickSleepersForever(self);
                return;
            }
            queueAtTail(self, task);
            return;
        }
        VcpuThread target = firstIdle();
        if (target == null) {
            target = vcpus[Math.floorMod(roundRobin.getAndIncrement(), vcpus.length)];
        }
        target.queue.offer(task);
        if (target.idle) {
            wake(target);
        }
    }

    /** Queues {@code task} behind what {@code self} already has, and makes sure someone will run it. */
    private void queueAtTail(VcpuThread self, Runnable task) {
        boolean hadWork = self.hot.slot != null || !self.queue.isEmpty();
        self.queue.offer(task);
        if (hadWork && anyIdle()) {
            wakeOneIdle();
        } else {
            kickSleepersForever(self);
        }
    }

    /**
     * On a vCPU of this kernel, the task goes to the tail of that vCPU's queue, never to its next slot
     * (which would run it before the application actors already waiting); elsewhere, to the
     * application lane.
     */
    @Override
    public void deferBehindApplications(Runnable task, Executor applicationLane) {
        if (!closed && Thread.currentThread() instanceof VcpuThread self && self.kernel == this) {
            queueAtTail(self, task);
            return;
        }
        applicationLane.execute(task);
    }

    private boolean anyIdle() {
        for (VcpuThread v : vcpus) {
            if (v.idle) {
                return true;
            }
        }
        return false;
    }

    private VcpuThread firstIdle() {
        for (VcpuThread v : vcpus) {
            if (v.idle) {
                return v;
            }
        }
        return null;
    }

    private void wakeOneIdle() {
        VcpuThread v = firstIdle();
        if (v != null) {
            wake(v);
        }
    }

    /** Kicks one vCPU: an IPI while the domain is live (it sleeps in SCHEDOP_block), else a host unpark. */
    private void wake(VcpuThread v) {
        if (domainLive()) {
            evtchn.send(ipiPort[v.id]);
        } else {
            LockSupport.unpark(v);
        }
    }

    private boolean domainLive() {
        return domain.state().isLive();
    }

    // ------------------------------------------------------------------ the vCPU's side

    /** The next slice for {@code v}: kernel lane, its next slot, own queue, then steal. */
    Runnable next(VcpuThread v) {
        Runnable t = kernelLane.poll();
        if (t != null) {
            return t;
        }
        Hot hot = v.hot;
        if (hot.slot != null) {
            t = (Runnable) SLOT.getAndSet(hot, null);
            if (t != null) {
                hot.chained++;
                return t;
            }
        }
        hot.chained = 0;
        t = v.queue.poll();
        if (t != null) {
            return t;
        }
        if (v.rescueFrom >= 0) {
            VcpuThread stuck = vcpus[v.rescueFrom];
            t = (Runnable) SLOT.getAndSet(stuck.hot, null);
            if (t == null) {
                t = stuck.queue.poll();
            }
            v.rescueFrom = -1;
            if (t != null) {
                v.steals++;
                return t;
            }
        }
        // Steal only from a vCPU with more than one task waiting: its last one it is about to run
        // itself, and taking it would only move a message exchange to another core.
        for (int i = 1; i < vcpus.length; i++) {
            VcpuThread victim = vcpus[(v.id + i) % vcpus.length];
            if (!victim.queue.hasMoreThanOne() && !victim.idle) {
                continue;
            }
            t = victim.queue.poll();
            if (t != null) {
                v.steals++;
                return t;
            }
        }
        return null;
    }

    /** Work {@code v} could take now: the kernel lane, its own queue, or another queue it may steal from. */
    boolean hasWork(VcpuThread v) {
        if (v.hot.slot != null || !kernelLane.isEmpty() || !v.queue.isEmpty()) {
            return true;
        }
        for (VcpuThread u : vcpus) {
            if (u != v && (u.queue.hasMoreThanOne() || (u.idle && !u.queue.isEmpty()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A task now waits behind this busy vCPU: a vCPU asleep with no deadline would never notice if
     * this vCPU got stuck, so kick it once; it goes back to sleep with a deadline while we are busy.
     */
    private void kickSleepersForever(VcpuThread self) {
        // One shared, rarely written counter on the hot path: reading another vCPU's fields here
        // would pull its busiest cache line across cores on every message.
        if (sleepersForever.get() == 0) {
            return;
        }
        for (VcpuThread u : vcpus) {
            if (u != self && u.sleepingForever) {
                u.sleepingForever = false;
                wake(u);
                return;
            }
        }
    }

    /** Whether another vCPU is running a slice (not idle). */
    private boolean anyOtherBusy(VcpuThread v) {
        for (VcpuThread u : vcpus) {
            if (u != v && !u.idle) {
                return true;
            }
        }
        return false;
    }

    boolean anyUpcall() {
        for (int u = 0; u < slots; u++) {
            if (evtchn.upcallPending(u)) {
                return true;
            }
        }
        return false;
    }

    /** Scans every vCPU slot whose upcall is pending; returns ports found (IPIs included). */
    int scanEvents(VcpuThread v) {
        int n = 0;
        for (int u = 0; u < slots; u++) {
            if (evtchn.upcallPending(u)) {
                n += evtchn.drainPending(u, v.deliverer);
            }
        }
        return n;
    }

    void deliver(VcpuThread v, int port) {
        if (ownPorts[port]) {
            return;
        }
        ActorRef<EventPending> ref = bindings.get(port);
        if (ref != null) {
            ref.tell(new EventPending(port));
            v.hot.events++;
            return;
        }
        unboundEvents.incrementAndGet();
        boolean first;
        synchronized (unboundLogged) {
            first = !unboundLogged.get(port);
            unboundLogged.set(port);
        }
        if (first) {
            log.warn("{}: event on port {} with no actor bound to it; counted and dropped (logged once per port)", domain.handle(), port);
        }
    }

    /** Spins, then blocks until an event or a kick. */
    void idle(VcpuThread v) {
        long t0 = clock.nanoTime();
        v.idleSince = t0;
        boolean counted = false;
        try {
            // LING's rule: busy-poll while events have been coming fast (the smoothed idle gap is
            // under the spin budget), else go straight to SCHEDOP_block and leave the core alone.
            long spin = v.avgIdleGap < config.spinNanos() ? config.spinNanos() : 0;
            long spinEnd = t0 + spin;
            while (!closed && clock.nanoTime() - spinEnd < 0) {
                if (hasWork(v) || anyUpcall()) {
                    return;
                }
                Thread.onSpinWait();
            }
            v.idle = true;
            // Idle is published before this last look: a submitter that missed the flag put its work in
            // a queue before looking for idle vCPUs, so we see the work here.
            if (closed || hasWork(v) || anyUpcall()) {
                return;
            }
            // While another vCPU is busy, sleep at most RESCUE_NANOS: if it has not finished a slice
            // meanwhile and a task waits behind it (in its next slot or its queue), that task is stuck
            // behind a long slice rather than about to run, and this vCPU takes it.
            boolean othersBusy = anyOtherBusy(v);
            if (!othersBusy) {
                // Published before the second look, so a vCPU that becomes busy and queues work
                // behind itself either is seen busy here or sees this flag and kicks us.
                v.sleepingForever = true;
                sleepersForever.incrementAndGet();
                counted = true;
                othersBusy = anyOtherBusy(v);
                if (othersBusy) {
                    v.sleepingForever = false;
                }
            }
            for (VcpuThread u : vcpus) {
                v.seen[u.id] = u.progress();
            }
            if (domainLive()) {
                v.blocks++;
                long deadline = othersBusy ? clock.nanoTime() + RESCUE_NANOS : Sched.NO_DEADLINE;
                Wake w = sched.block(v.id, deadline);
                if (w == Wake.EVENT) {
                    v.wakeups++;
                } else if (w == Wake.TIMEOUT) {
                    for (VcpuThread u : vcpus) {
                        if (u != v && (u.hot.slot != null || !u.queue.isEmpty()) && u.progress() == v.seen[u.id]) {
                            v.rescueFrom = u.id;
                            break;
                        }
                    }
                }
            } else {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
            }
        } finally {
            if (counted) {
                sleepersForever.decrementAndGet();
            }
            v.sleepingForever = false;
            v.idle = false;
            long gap = clock.nanoTime() - t0;
            v.idleNanos += gap;
            v.avgIdleGap += (gap - v.avgIdleGap) >> 3;
            v.idleSince = 0;
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * While the domain is paused its vCPUs do not run. Once it is no longer live they go on in host
     * mode (the checkpoint answers false at once), so the actor system can still finish terminating.
     */
    void checkpoint(VcpuThread v) {
        sched.checkpoint(v.id);
    }

    XenClock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ events API

    @Override
    public void bind(int port, ActorRef<EventPending> actor) {
        checkPort(port);
        bindings.set(port, actor);
        // Route to vCPU 0 (a vCPU that has a thread) and unmask, which re-raises a port already pending.
        evtchn.bindVcpu(port, 0);
        evtchn.unmask(port);
        if (anyIdle()) {
            wakeOneIdle();
        }
    }

    @Override
    public void unbind(int port) {
        checkPort(port);
        evtchn.mask(port);
        bindings.set(port, null);
    }

    private void checkPort(int port) {
        if (port <= 0 || port >= NR_PORTS) {
            throw new IllegalArgumentException("port " + port + " is outside 1.." + (NR_PORTS - 1));
        }
        if (ownPorts[port]) {
            throw new IllegalArgumentException("port " + port + " is the kernel's own IPI port");
        }
    }

    // ------------------------------------------------------------------ metrics and lifecycle

    @Override
    public SchedulerMetrics metrics() {
        long now = clock.nanoTime();
        List<VcpuMetrics> vs = new ArrayList<>(vcpus.length);
        for (VcpuThread v : vcpus) {
            long alive = (v.exitedAt != 0 ? v.exitedAt : now) - v.startedAt;
            long since = v.idleSince;
            long idle = v.idleNanos + (since != 0 && v.exitedAt == 0 ? Math.max(0, now - since) : 0);
            vs.add(new VcpuMetrics(v.id, Math.max(0, alive - idle), idle, v.hot.slices, v.steals, v.hot.events, v.blocks, v.wakeups, v.queue.size()));
        }
        return new SchedulerMetrics(domain.name(), List.copyOf(vs), unboundEvents.get(), kernelLane.size(), 0);
    }

    /** Work dropped because it arrived after close. */
    public long droppedAfterClose() {
        return dropped.get();
    }

    /** The vCPU threads (for tests that check where code ran and that nothing outlives the kernel). */
    public List<Thread> threads() {
        return List.of(vcpus);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread me = Thread.currentThread();
        // Kick every vCPU until it has left its loop (for up to 500 × 20 ms): an IPI can be consumed by
        // another vCPU's scan before the sleeper looks, so one kick is not enough to be sure.
        for (VcpuThread v : vcpus) {
            for (int tries = 0; v != me && v.isAlive() && tries < 500; tries++) {
                LockSupport.unpark(v);
                if (domainLive()) {
                    evtchn.send(ipiPort[v.id]);
                }
                try {
                    v.join(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (v != me && v.isAlive()) {
                log.warn("vCPU thread {} did not finish its slice within 10 s of close", v.getName());
            }
        }
        if (domainLive()) {
            for (int p : ipiPort) {
                evtchn.close(p);
            }
        }
        int left = kernelLane.size();
        for (VcpuThread v : vcpus) {
            left += v.queue.size();
        }
        if (left > 0) {
            log.debug("kernel of {} closed with {} queued slices dropped", domain.handle(), left);
        }
        log.debug("kernel of {} closed", domain.handle());
    }

    /** One vCPU: a thread, its run queue, and its counters (written only by itself). */
    private static final java.lang.invoke.VarHandle PROGRESS;
    private static final java.lang.invoke.VarHandle SLOT;

    static {
        try {
            PROGRESS = java.lang.invoke.MethodHandles.lookup().findVarHandle(HotFields.class, "progress", long.class);
            SLOT = java.lang.invoke.MethodHandles.lookup().findVarHandle(HotFields.class, "slot", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /*
     * A vCPU's per-message and per-slice fields, padded onto cache lines of their own. Other vCPUs
     * read a VcpuThread's idle flag and run queue on every look for work (while they spin idle, and on
     * each submit that checks for an idle vCPU); were these fields on the same line, every such read
     * would pull the line away and the owner's next store would stall on getting it back. The padding
     * is inherited, since a superclass's fields are laid out before a subclass's: 64 bytes before the
     * fields and 64 after (Agrona and JCTools pad the same way).
     */
    @SuppressWarnings("unused")
    abstract static class HotPadBefore {
        long p00, p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class HotFields extends HotPadBefore {
        /** The task to run next (work the running slice created), or null; set by the owner, taken by the owner or a rescuer. */
        volatile Runnable slot;
        /** Owner-only: slot runs in a row. */
        int chained;
        /** Owner-only: the task of the running slice. */
        Runnable current;
        long slices;
        /** Slices finished, published for other vCPUs deciding whether this one is stuck. */
        long progress;
        long events;
    }

    @SuppressWarnings("unused")
    static final class Hot extends HotFields {
        long p10, p11, p12, p13, p14, p15, p16, p17;
    }

    static final class VcpuThread extends Thread implements WriteCombining.Carrier {
        final VcpuKernel kernel;
        final int id;
        final RunQueue queue = new RunQueue();
        /** Ring frames an actor writes during a slice are published when the slice ends. */
        final WriteCombining combined = WriteCombining.forCarrier();

        @Override
        public WriteCombining writeCombining() {
            return combined;
        }
        final IntConsumer deliverer;
        volatile boolean idle;
        long startedAt;
        volatile long exitedAt;
        long idleNanos;
        /** Smoothed length of this vCPU's idle spells (EWMA, 1/8): whether spinning pays. */
        long avgIdleGap;
        /** When the current idle spell began, 0 while busy; lets a snapshot count a vCPU asleep right now. */
        volatile long idleSince;
        long steals;
        /** Other vCPUs' progress when this one last went to sleep. */
        final long[] seen;
        /** Asleep with no deadline: must be kicked if another vCPU queues work behind itself. */
        volatile boolean sleepingForever;
        /** A vCPU whose lone task this one should take next, or -1. */
        int rescueFrom = -1;
        /** What the vCPU writes for every message and slice, on cache lines of its own. */
        final Hot hot = new Hot();
        long blocks;
        long wakeups;

        VcpuThread(VcpuKernel kernel, int id, String name) {
            super(name);
            this.kernel = kernel;
            this.id = id;
            this.deliverer = port -> kernel.deliver(this, port);
            this.seen = new long[kernel.vcpus.length];
            setDaemon(true);
        }

        long progress() {
            return (long) PROGRESS.getAcquire(hot);
        }

        @Override
        public void run() {
            startedAt = kernel.clock().nanoTime();
            try {
                while (!kernel.isClosed()) {
                    kernel.checkpoint(this);
                    Runnable task = kernel.next(this);
                    if (task != null) {
                        long slices = ++hot.slices;
                        hot.current = task;
                        try {
                            task.run();
                        } catch (Throwable t) {
                            log.error("{}: a slice failed outside any actor's supervision", getName(), t);
                        }
                        combined.publishAll();
                        hot.current = null;
                        PROGRESS.setRelease(hot, slices);
                        // Between slices, as LING does on every switch; every few slices only, since a
                        // scan costs a read per vCPU slot and the queue running dry always scans.
                        if ((slices & SCAN_EVERY_MASK) == 0) {
                            kernel.scanEvents(this);
                        }
                        continue;
                    }
                    if (kernel.scanEvents(this) > 0) {
                        continue;
                    }
                    kernel.idle(this);
                }
            } finally {
                combined.publishAll();
                exitedAt = kernel.clock().nanoTime();
            }
        }
    }
}
