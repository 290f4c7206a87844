package dev.lingon.xen.internal;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.GrantTable;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.FaultInterceptor;

import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One domain of the in-process hypervisor: its shared-info page, event channels, grant table,
 * memory and vCPUs, all on pages from its {@link PageSource}. A vCPU here is a slot that at most one
 * thread occupies while it blocks, polls or waits out a pause; the thread that raises an event wakes
 * it (Xen's {@code vcpu_kick}) through the source's {@link VcpuWakeups}: an unpark, or a doorbell
 * ring that a thread in another process could equally have rung.
 *
 * <p>No lost wake-up: every wake condition (pending bits, upcall_pending, the kicked word, the run
 * state) is made true with a volatile or atomic write before the wake, and the sleeper re-checks it
 * after making itself findable (see {@link VcpuWakeups}).
 *
 * <p>Page lifetime: the pages live as long as anything can reach them, as in the in-process backend
 * where the GC frees an arena page once nobody holds it: a peer that maps one of this domain's granted
 * pages keeps it (Xen keeps a granted page until it is unmapped), and so does this domain's own code
 * still running after its destruction (in one JVM it may touch its pages while it winds down).
 */
final class InProcessDomain implements XenDomain, Sched {
    private final InProcessHypervisor hv;
    private final DomainHandle handle;
    private final DomainConfig config;
    private final long createdAt;
    private final PageSource pages;
    private final DomainMemory memory;
    private final SharedInfoPage sharedInfo;
    private final VcpuPage vcpuPage;
    private final PortStateMirror portStates;
    private final VcpuWakeups wakeups;
    private final EventDelivery events;
    private final DomainEventChannels evtchn;
    private final DomainGrantTable gnttab;
    private final Vcpu[] vcpus;
    private final AtomicInteger blockedVcpus = new AtomicInteger();

    private volatile boolean paused;
    /** Null while live; SHUTDOWN, CRASHED or DYING after. */
    private volatile DomainState terminal;
    private volatile ShutdownReason shutdownReason;
    private volatile XenStore store;

    private static final class Vcpu {
        final int id;
        /** The thread occupying the vCPU while it blocks, polls or waits in a checkpoint. */
        final AtomicReference<Thread> waiter = new AtomicReference<>();

        Vcpu(int id) {
            this.id = id;
        }
    }

    /** @param pages the domain's pages (and so its wake-ups) */
    InProcessDomain(InProcessHypervisor hv, DomainHandle handle, DomainConfig config, long createdAt, PageSource pages) {
        this.hv = hv;
        this.handle = handle;
        this.config = config;
        this.createdAt = createdAt;
        this.pages = pages;
        this.memory = new DomainMemory(pages, config.maxPages());
        this.sharedInfo = new SharedInfoPage(pages.sharedInfoPage());
        this.vcpuPage = new VcpuPage(pages.vcpuPage());
        this.portStates = new PortStateMirror(pages.portStatePages());
        this.wakeups = pages.wakeups();
        this.events = new EventDelivery(sharedInfo, vcpuPage, wakeups, config.vcpus());
        this.vcpus = new Vcpu[config.vcpus()];
        for (int v = 0; v < vcpus.length; v++) {
            vcpus[v] = new Vcpu(v);
            // Xen starts vCPUs with upcalls masked until the guest is ready for them.
            sharedInfo.setUpcallMask(v, true);
        }
        publishRunState();
        this.evtchn = new DomainEventChannels(this, hv, config.vcpus());
        this.gnttab = new DomainGrantTable(this, hv, config.maxGrantFrames());
    }

    // ---------------------------------------------------------------- XenDomain

    @Override
    public DomainHandle handle() {
        return handle;
    }

    private volatile String name;

    @Override
    public String name() {
        String n = name;
        return n != null ? n : config.name();
    }

    void rename(String newName) {
        this.name = newName;
    }

    @Override
    public int vcpus() {
        return vcpus.length;
    }

    DomainConfig config() {
        return config;
    }

    long createdAt() {
        return createdAt;
    }

    @Override
    public EventChannels evtchn() {
        return evtchn;
    }

    DomainEventChannels evtchnImpl() {
        return evtchn;
    }

    @Override
    public GrantTable gnttab() {
        return gnttab;
    }

    DomainGrantTable gnttabImpl() {
        return gnttab;
    }

    @Override
    public Memory memory() {
        return memory;
    }

    DomainMemory memoryImpl() {
        return memory;
    }

    @Override
    public Sched sched() {
        return this;
    }

    @Override
    public XenStore store() {
        XenStore s = store;
        if (s == null) {
            synchronized (this) {
                s = store;
                if (s == null) {
                    s = hv.xenstore().connect(domid());
                    store = s;
                }
            }
        }
        return s;
    }

    @Override
    public XenStore openStore() {
        return hv.xenstore().connect(domid());
    }

    @Override
    public MemorySegment sharedInfo() {
        return sharedInfo.segment();
    }

    SharedInfoPage sharedInfoPage() {
        return sharedInfo;
    }

    PageSource pages() {
        return pages;
    }

    PortStateMirror portStates() {
        return portStates;
    }

    /** Whether a thread sleeps on (or is committed to sleeping on) this vCPU now. */
    boolean isVcpuSleeping(int vcpu) {
        return wakeups.isSleeping(vcpu);
    }

    @Override
    public DomainState state() {
        DomainState t = terminal;
        if (t != null) {
            return t;
        }
        if (paused) {
            return DomainState.PAUSED;
        }
        return blockedVcpus.get() >= vcpus.length ? DomainState.BLOCKED : DomainState.RUNNING;
    }

    /**
     * {@link #state()} as {@code getdomaininfo} reports it: also BLOCKED when every vCPU sleeps on its
     * doorbell, which is how a domain whose vCPUs run in a process of their own is seen to block (its
     * SCHEDOP_block never passes through this object). Costs a look at each doorbell, so it is kept off
     * the hypercall paths, which only ask whether the domain is dying.
     */
    DomainState observedState() {
        DomainState s = state();
        if (s != DomainState.RUNNING || !(wakeups instanceof DoorbellWakeups)) {
            return s;
        }
        for (int v = 0; v < vcpus.length; v++) {
            if (!wakeups.isSleeping(v)) {
                return s;
            }
        }
        return DomainState.BLOCKED;
    }

    ShutdownReason shutdownReason() {
        return shutdownReason;
    }

    @Override
    public Hypervisor hypervisor() {
        return hv;
    }

    boolean isPrivileged() {
        return handle.domid() == DomId.DOM0;
    }

    /** Running, blocked or paused: not shut down and not dying. */
    boolean isLive() {
        return terminal == null;
    }

    boolean isPaused() {
        return paused;
    }

    // ---------------------------------------------------------------- events

    /** {@code evtchn_port_set_pending} on this domain, then wake a blocked or polling vCPU. */
    void raise(int port, int vcpu) {
        events.raise(port, vcpu);
    }

    /** {@code vcpu_kick}: the kicked word, then wake the vCPU's thread. */
    void kick(int vcpu) {
        events.kick(vcpu);
    }

    /** The run state in the vCPU page, for processes that map it; written before the wake-ups that announce it. */
    private void publishRunState() {
        DomainState t = terminal;
        int term = t == null ? DomainFileLayout.RUN_LIVE
                : switch (t) {
                    case SHUTDOWN -> DomainFileLayout.RUN_SHUTDOWN;
                    case CRASHED -> DomainFileLayout.RUN_CRASHED;
                    default -> DomainFileLayout.RUN_DYING;
                };
        ShutdownReason r = shutdownReason;
        vcpuPage.publishRunState(DomainFileLayout.runState(paused, term, r == null ? 0 : r.code()));
    }

    // ---------------------------------------------------------------- Sched

    private Vcpu occupy(int vcpu) {
        if (vcpu < 0 || vcpu >= vcpus.length) {
            throw new IllegalArgumentException("dom" + domid() + " has no vCPU " + vcpu);
        }
        Vcpu v = vcpus[vcpu];
        Thread me = Thread.currentThread();
        if (!v.waiter.compareAndSet(null, me) && v.waiter.get() != me) {
            Thread other = v.waiter.get();
            throw new IllegalStateException("vCPU " + vcpu + " of dom" + domid() + " is already waiting in thread '"
                    + (other == null ? "?" : other.getName()) + "'; one vCPU is one thread of execution: give each waiting thread its own vCPU");
        }
        return v;
    }

    private Wake enterSched(Hypercall call) {
        FaultInterceptor f = hv.faults();
        if (f != null && f.onHypercall(domid(), call) == FaultInterceptor.HypercallAction.CRASH_CALLER) {
            hv.crashFromFault(this, call);
            return Wake.SHUTDOWN;
        }
        return null;
    }

    @Override
    public Wake block(int vcpu, long deadlineNanos) {
        Wake early = enterSched(Hypercall.SCHEDOP_block);
        if (early != null) {
            return early;
        }
        if (vcpu < 0 || vcpu >= vcpus.length) {
            throw new IllegalArgumentException("dom" + domid() + " has no vCPU " + vcpu);
        }
        // SCHEDOP_block re-enables event delivery before it decides to sleep.
        sharedInfo.setUpcallMask(vcpu, false);
        Vcpu v = occupy(vcpu);
        // A kick that reached the running vCPU leaves nothing behind, as in Xen; one that comes
        // during the block makes it return even if another vCPU's scan took the event first.
        vcpuPage.clearKick(vcpu);
        try {
            return waitFor(v, deadlineNanos,
                    () -> vcpuPage.takeKick(vcpu) || sharedInfo.isUpcallPending(vcpu),
                    () -> vcpuPage.isKicked(vcpu) || sharedInfo.isUpcallPending(vcpu));
        } finally {
            v.waiter.set(null);
        }
    }

    @Override
    public Wake poll(int vcpu, int[] ports, long deadlineNanos) {
        Wake early = enterSched(Hypercall.SCHEDOP_poll);
        if (early != null) {
            return early;
        }
        if (ports.length == 0 || ports.length > 128) {
            throw new IllegalArgumentException("SCHEDOP_poll takes 1..128 ports, got " + ports.length);
        }
        for (int p : ports) {
            if (p <= 0 || p >= evtchn.maxPorts()) {
                throw new IllegalArgumentException("SCHEDOP_poll: port " + p + " is out of range");
            }
        }
        Vcpu v = occupy(vcpu);
        int[] copy = ports.clone();
        // Xen's poll_evtchn: the port when one is polled, -1 for several (raisers then wake on any port).
        vcpuPage.startPolling(vcpu, copy.length == 1 ? copy[0] : -1);
        try {
            java.util.function.BooleanSupplier anyPending = () -> {
                for (int p : copy) {
                    if (sharedInfo.isPending(p)) {
                        return true;
                    }
                }
                return false;
            };
            return waitFor(v, deadlineNanos, anyPending, anyPending);
        } finally {
            vcpuPage.stopPolling(vcpu);
            v.waiter.set(null);
        }
    }

    /**
     * The wait loop of block and poll. {@code ready} decides (it may consume a kick); {@code peek} is
     * its side-effect-free twin that the sleeper re-checks before it really sleeps.
     */
    private Wake waitFor(Vcpu v, long deadlineNanos, java.util.function.BooleanSupplier ready, java.util.function.BooleanSupplier peek) {
        XenClock clock = hv.clock();
        boolean counted = false;
        java.util.function.BooleanSupplier wakeUp = () -> terminal != null || (!paused && peek.getAsBoolean());
        try {
            while (true) {
                if (terminal != null) {
                    return Wake.SHUTDOWN;
                }
                if (!paused && ready.getAsBoolean()) {
                    return Wake.EVENT;
                }
                long now = clock.nanoTime();
                if (deadlineNanos != NO_DEADLINE && now - deadlineNanos >= 0) {
                    return Wake.TIMEOUT;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return Wake.INTERRUPTED;
                }
                if (!counted) {
                    counted = true;
                    blockedVcpus.incrementAndGet();
                }
                wakeups.sleep(v.id, wakeUp, deadlineNanos == NO_DEADLINE ? -1 : deadlineNanos - now);
            }
        } finally {
            if (counted) {
                blockedVcpus.decrementAndGet();
            }
        }
    }

    @Override
    public boolean checkpoint(int vcpu) {
        if (!paused) {
            return terminal == null;
        }
        Vcpu v = occupy(vcpu);
        try {
            while (paused && terminal == null) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                wakeups.sleep(vcpu, () -> !paused || terminal != null, -1);
            }
            return terminal == null;
        } finally {
            v.waiter.set(null);
        }
    }

    @Override
    public void yield(int vcpu) {
        Thread.onSpinWait();
    }

    @Override
    public void shutdown(ShutdownReason reason) {
        hv.shutdown(handle, reason);
    }

    @Override
    public XenClock clock() {
        return hv.clock();
    }

    // ---------------------------------------------------------------- lifecycle (called by the hypervisor)

    /** Returns false if the domain was not live. */
    boolean markShutdown(ShutdownReason reason) {
        synchronized (this) {
            if (terminal != null) {
                return false;
            }
            shutdownReason = reason;
            terminal = reason == ShutdownReason.CRASH ? DomainState.CRASHED : DomainState.SHUTDOWN;
            publishRunState();
        }
        events.wakeAll();
        return true;
    }

    synchronized void markDying() {
        terminal = DomainState.DYING;
        publishRunState();
        events.wakeAll();
    }

    boolean setPaused(boolean p) {
        synchronized (this) {
            if (terminal != null || paused == p) {
                return false;
            }
            paused = p;
            publishRunState();
        }
        // Waking on pause too lets a vCPU in another process see the run state change at once.
        events.wakeAll();
        return true;
    }

    void closeStore() {
        XenStore s = store;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "dom" + domid() + "(" + name() + ")";
    }
}
