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

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One domain of the in-process hypervisor: its shared-info page, event channels, grant table,
 * memory and vCPUs. A vCPU here is a slot that at most one thread occupies while it blocks, polls or
 * waits out a pause; the thread that raises an event unparks it (Xen's {@code vcpu_kick}).
 *
 * <p>No lost wake-up: a waiter publishes itself (volatile write) and then re-reads the condition
 * (volatile read); a raiser sets the condition (atomic read-modify-write) and then reads the waiter
 * (volatile read). With sequentially consistent volatile accesses one of the two sees the other.
 */
final class InProcessDomain implements XenDomain, Sched {
    private final InProcessHypervisor hv;
    private final DomainHandle handle;
    private final DomainConfig config;
    private final long createdAt;
    private final DomainMemory memory;
    private final SharedInfoPage sharedInfo;
    private final DomainEventChannels evtchn;
    private final DomainGrantTable gnttab;
    private final Vcpu[] vcpus;
    /** Bit v set while vCPU v polls ({@code d->poll_mask}). */
    private final AtomicLong pollMask = new AtomicLong();
    private final AtomicInteger blockedVcpus = new AtomicInteger();

    private volatile boolean paused;
    /** Null while live; SHUTDOWN, CRASHED or DYING after. */
    private volatile DomainState terminal;
    private volatile ShutdownReason shutdownReason;
    private volatile XenStore store;

    private static final class Vcpu {
        final int id;
        final java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
        volatile int[] pollPorts;
        /**
         * Set by {@code vcpu_kick}: a blocked vCPU returns from SCHEDOP_block once kicked, even if
         * another vCPU's scan consumed the event that caused the kick before this one looked. Cleared
         * when a block begins, since kicking a running vCPU leaves nothing behind in Xen.
         */
        final java.util.concurrent.atomic.AtomicBoolean kicked = new java.util.concurrent.atomic.AtomicBoolean();

        Vcpu(int id) {
            this.id = id;
        }
    }

    InProcessDomain(InProcessHypervisor hv, DomainHandle handle, DomainConfig config, long createdAt) {
        this.hv = hv;
        this.handle = handle;
        this.config = config;
        this.createdAt = createdAt;
        this.memory = new DomainMemory(config.maxPages());
        this.sharedInfo = new SharedInfoPage(memory.hypervisorPage());
        this.vcpus = new Vcpu[config.vcpus()];
        for (int v = 0; v < vcpus.length; v++) {
            vcpus[v] = new Vcpu(v);
            // Xen starts vCPUs with upcalls masked until the guest is ready for them.
            sharedInfo.setUpcallMask(v, true);
        }
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
        SharedInfoPage.Raise r = sharedInfo.raise(port, vcpu);
        if (r == SharedInfoPage.Raise.MERGED) {
            return;
        }
        if (r == SharedInfoPage.Raise.KICK) {
            kick(vcpu);
        }
        if (pollMask.get() != 0) {
            checkPollers(port);
        }
    }

    /** {@code vcpu_kick}: unpark the thread waiting on this vCPU, if any. */
    void kick(int vcpu) {
        Vcpu v = vcpus[vcpu];
        v.kicked.set(true);
        Thread t = v.waiter.get();
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** {@code evtchn_check_pollers}: wake every vCPU polling on this port. */
    private void checkPollers(int port) {
        long mask = pollMask.get();
        while (mask != 0) {
            int v = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            Vcpu vc = vcpus[v];
            int[] ps = vc.pollPorts;
            if (ps != null) {
                for (int p : ps) {
                    if (p == port) {
                        Thread t = vc.waiter.get();
                        if (t != null) {
                            LockSupport.unpark(t);
                        }
                        break;
                    }
                }
            }
        }
    }

    private void kickAll() {
        for (Vcpu v : vcpus) {
            Thread t = v.waiter.get();
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
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
        v.kicked.set(false);
        try {
            return waitFor(v, deadlineNanos, () -> v.kicked.getAndSet(false) || sharedInfo.isUpcallPending(vcpu));
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
        v.pollPorts = copy;
        pollMask.getAndUpdate(m -> m | (1L << vcpu));
        try {
            return waitFor(v, deadlineNanos, () -> {
                for (int p : copy) {
                    if (sharedInfo.isPending(p)) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            pollMask.getAndUpdate(m -> m & ~(1L << vcpu));
            v.pollPorts = null;
            v.waiter.set(null);
        }
    }

    private Wake waitFor(Vcpu v, long deadlineNanos, java.util.function.BooleanSupplier ready) {
        XenClock clock = hv.clock();
        boolean counted = false;
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
                if (deadlineNanos == NO_DEADLINE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, deadlineNanos - now);
                }
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
                LockSupport.park(this);
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
        }
        kickAll();
        return true;
    }

    synchronized void markDying() {
        terminal = DomainState.DYING;
        kickAll();
    }

    boolean setPaused(boolean p) {
        synchronized (this) {
            if (terminal != null || paused == p) {
                return false;
            }
            paused = p;
        }
        if (!p) {
            kickAll();
        }
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
