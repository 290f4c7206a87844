package dev.lingon.xen.internal;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Virq;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import dev.lingon.xen.shm.Futex;
import dev.lingon.xen.shm.ShmDirectory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The hypervisor of the in-process and shared-memory backends: the authority for domids and
 * generations, event-channel and grant tables, XenStore and domain life cycles, with every domain's
 * hypercalls served in this JVM. Where a domain's pages live is its {@link PageSource}'s business:
 * {@link #inProcess} keeps them in off-heap arenas and parks blocked vCPUs; {@link #sharedMemory} puts
 * each domain's shared info, vCPU page, port-state mirror, grant frames and frames in its file
 * {@code dom<domid>-g<generation>.mem} in a {@link ShmDirectory}, and blocked vCPUs sleep on doorbells
 * in that file, so another process that maps it can raise events and wake them. Also plays the
 * toolstack's part in domain creation and destruction (XenStore homes, introduce/release), as libxl
 * does for xl.
 *
 * <p>Files (shared-memory backend): created with the domain, named {@code dom<domid>-g<generation>.mem};
 * the name is removed when the domain is destroyed, so no process finds a dead domain's pages, while
 * this process's mapping lives on as long as anything here reaches one of its pages (a peer that maps
 * a granted page, as Xen keeps a granted page until it is unmapped; the domain's own code winding
 * down), and the GC unmaps it after that, as it frees arena pages in-process. Closing the hypervisor
 * destroys every domain, lets dom0 go the same way and removes the directory if the hypervisor
 * created it.
 *
 * <p>Thread-safe. Locks: {@code domainsLock} guards the domain table; {@code eventLock} guards every
 * event-channel table (control operations only; send is lock-free). Neither is held while calling
 * xenstored, listeners or the fault interceptor's hooks other than the hypercall hook.
 */
public final class InProcessHypervisor implements Hypervisor {
    private static final Logger log = LoggerFactory.getLogger(InProcessHypervisor.class);

    private final XenClock clock;
    private final XenstoreBackend xenstore;
    private final Object domainsLock = new Object();
    private final Object eventLock = new Object();
    private final TreeMap<Integer, InProcessDomain> domains = new TreeMap<>();
    private final CopyOnWriteArrayList<Consumer<DomainInfo>> listeners = new CopyOnWriteArrayList<>();
    private final ArrayDeque<Deferred> deferred = new ArrayDeque<>();
    private volatile FaultInterceptor faults;
    private long generation;
    private int nextDomid = 1;
    private final InProcessDomain dom0;
    private final PageSource.Factory pageSources;
    private volatile boolean closed;

    private record Deferred(InProcessDomain target, int port, int vcpu) {
    }

    /**
     * Every domain's pages in off-heap arenas of this JVM; blocked vCPUs park.
     *
     * @param clock    the hypervisor's time (deadlines of block and poll)
     * @param xenstore the xenstored this hypervisor introduces domains to
     * @param dom0Vcpus vCPUs of dom0
     */
    public static InProcessHypervisor inProcess(XenClock clock, XenstoreBackend xenstore, int dom0Vcpus) {
        return new InProcessHypervisor(clock, xenstore, dom0Vcpus, ArenaPageSource.FACTORY);
    }

    /**
     * Every domain's pages in its file in {@code dir} (dom0's too); blocked vCPUs sleep on doorbells
     * there. If {@code ownsDirectory}, {@link #close} removes {@code dir}; otherwise its creator does.
     *
     * @throws UnsupportedOperationException off Linux on amd64/aarch64 (no futexes)
     */
    public static InProcessHypervisor sharedMemory(XenClock clock, XenstoreBackend xenstore, int dom0Vcpus, ShmDirectory dir,
                                                   boolean ownsDirectory) {
        if (!Futex.available()) {
            throw new UnsupportedOperationException("the shared-memory backend needs Linux futexes on amd64 or aarch64; use the in-process backend here");
        }
        return new InProcessHypervisor(clock, xenstore, dom0Vcpus, FilePageSource.factory(dir, ownsDirectory));
    }

    private InProcessHypervisor(XenClock clock, XenstoreBackend xenstore, int dom0Vcpus, PageSource.Factory pageSources) {
        this.clock = clock;
        this.xenstore = xenstore;
        this.pageSources = pageSources;
        DomainConfig cfg = DomainConfig.named("Domain-0").withVcpus(dom0Vcpus);
        DomainHandle h = new DomainHandle(DomId.DOM0, ++generation);
        Result<PageSource> pages = pageSources.create(h, cfg);
        if (pages instanceof Result.Err<PageSource> err) {
            pageSources.close();
            throw new IllegalStateException("cannot start the hypervisor: dom0's pages: " + err.errno() + " " + err.detail());
        }
        this.dom0 = newDomain(h, cfg, pages.orThrow());
        domains.put(DomId.DOM0, dom0);
        makeHome(dom0);
        xenstore.introduceDomain(DomId.DOM0);
    }

    private InProcessDomain newDomain(DomainHandle h, DomainConfig cfg, PageSource pages) {
        return new InProcessDomain(this, h, cfg, clock.nanoTime(), pages);
    }

    Object eventLock() {
        return eventLock;
    }

    FaultInterceptor faults() {
        return faults;
    }

    XenstoreBackend xenstore() {
        return xenstore;
    }

    @Override
    public XenClock clock() {
        return clock;
    }

    @Override
    public XenDomain dom0() {
        return dom0;
    }

    /** The live (not destroyed) domain with this id, or null. */
    InProcessDomain liveDomain(int domid) {
        synchronized (domainsLock) {
            InProcessDomain d = domains.get(domid);
            return d != null && d.state() != DomainState.DYING ? d : null;
        }
    }

    private InProcessDomain byHandle(DomainHandle h) {
        synchronized (domainsLock) {
            InProcessDomain d = domains.get(h.domid());
            return d != null && d.handle().equals(h) ? d : null;
        }
    }

    @Override
    public Result<DomainHandle> createDomain(DomainConfig config) {
        if (closed) {
            throw new IllegalStateException("the hypervisor is closed");
        }
        InProcessDomain d;
        synchronized (domainsLock) {
            for (InProcessDomain other : domains.values()) {
                if (other.name().equals(config.name())) {
                    return Result.err(Errno.EEXIST, "a domain named '" + config.name() + "' already exists (dom" + other.domid() + ")");
                }
            }
            int domid = allocDomid();
            if (domid < 0) {
                return Result.err(Errno.ENOSPC, "no free domid");
            }
            DomainHandle h = new DomainHandle(domid, ++generation);
            Result<PageSource> pages = pageSources.create(h, config);
            if (pages instanceof Result.Err<PageSource> err) {
                return Result.err(err.errno(), err.detail());
            }
            d = newDomain(h, config, pages.orThrow());
            domains.put(domid, d);
        }
        makeHome(d);
        xenstore.introduceDomain(d.domid());
        log.debug("created {} with {} vCPUs", d.handle(), config.vcpus());
        fireChanged(d);
        return Result.ok(d.handle());
    }

    /** Domids are handed out increasing and wrap before DOMID_FIRST_RESERVED, as Xen's domctl does. */
    private int allocDomid() {
        for (int tries = 1; tries < DomId.DOMID_FIRST_RESERVED; tries++) {
            int id = nextDomid;
            nextDomid = nextDomid + 1 >= DomId.DOMID_FIRST_RESERVED ? 1 : nextDomid + 1;
            if (!domains.containsKey(id)) {
                return id;
            }
        }
        return -1;
    }

    /**
     * The XenStore home libxl ({@code libxl__domain_make}) writes: {@code /local/domain/<id>} owned by
     * dom0 and readable by the domain; {@code console} (where the guest's console driver publishes its
     * ring, here), {@code control/shutdown}, {@code data}, {@code device} and the other guest-writable
     * directories owned by the domain itself.
     */
    private void makeHome(InProcessDomain d) {
        XenStore xs = dom0.store();
        int id = d.domid();
        String home = "/local/domain/" + id;
        List<XsPermission> ro = id == DomId.DOM0
                ? List.of(XsPermission.none(DomId.DOM0))
                : List.of(XsPermission.none(DomId.DOM0), XsPermission.read(id));
        List<XsPermission> rw = List.of(XsPermission.none(id));
        for (int attempt = 0; ; attempt++) {
            int tx = xs.transactionStart().orThrow();
            mkdirWithPerms(xs, tx, home, ro);
            xs.write(tx, home + "/name", d.name()).orThrow();
            xs.write(tx, home + "/domid", Integer.toString(id)).orThrow();
            mkdirWithPerms(xs, tx, home + "/control", ro);
            mkdirWithPerms(xs, tx, home + "/memory", ro);
            for (String sub : List.of("console", "control/shutdown", "data", "device", "drivers", "feature", "attr", "error")) {
                mkdirWithPerms(xs, tx, home + "/" + sub, rw);
            }
            Result<Void> end = xs.transactionEnd(tx, true);
            if (end.isOk()) {
                return;
            }
            if (end.errno() != Errno.EAGAIN || attempt > 100) {
                throw new IllegalStateException("cannot create XenStore home of dom" + id + ": " + end);
            }
        }
    }

    private static void mkdirWithPerms(XenStore xs, int tx, String path, List<XsPermission> perms) {
        xs.mkdir(tx, path).orThrow();
        xs.setPermissions(tx, path, perms).orThrow();
    }

    @Override
    public Optional<XenDomain> domain(DomainHandle handle) {
        InProcessDomain d = byHandle(handle);
        return d == null || d.state() == DomainState.DYING ? Optional.empty() : Optional.of(d);
    }

    @Override
    public Optional<XenDomain> domain(int domid) {
        return Optional.ofNullable(liveDomain(domid));
    }

    @Override
    public Optional<XenDomain> domainByName(String name) {
        synchronized (domainsLock) {
            for (InProcessDomain d : domains.values()) {
                if (d.name().equals(name) && d.state() != DomainState.DYING) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Errno pause(DomainHandle handle) {
        return setPaused(handle, true);
    }

    @Override
    public Errno unpause(DomainHandle handle) {
        return setPaused(handle, false);
    }

    private Errno setPaused(DomainHandle handle, boolean paused) {
        InProcessDomain d = byHandle(handle);
        if (d == null) {
            return Errno.ESRCH;
        }
        if (d == dom0) {
            return Errno.EPERM;
        }
        if (!d.isLive()) {
            return Errno.EINVAL;
        }
        if (d.setPaused(paused)) {
            fireChanged(d);
        }
        return Errno.OK;
    }

    @Override
    public Errno shutdown(DomainHandle handle, ShutdownReason reason) {
        InProcessDomain d = byHandle(handle);
        if (d == null) {
            return Errno.ESRCH;
        }
        if (d == dom0) {
            return Errno.EPERM;
        }
        if (!d.markShutdown(reason)) {
            return Errno.OK;
        }
        log.debug("{} shut down: {}", d.handle(), reason.xlName());
        raiseVirqInDom0(Virq.VIRQ_DOM_EXC);
        fireChanged(d);
        return Errno.OK;
    }

    /** The fault interceptor crashed a domain at a hypercall. */
    void crashFromFault(InProcessDomain d, Hypercall call) {
        log.info("fault plan crashed {} at {}", d.handle(), call);
        if (d != dom0) {
            shutdown(d.handle(), ShutdownReason.CRASH);
        }
    }

    @Override
    public Errno rename(DomainHandle handle, String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException("a domain name must not be blank");
        }
        InProcessDomain d;
        synchronized (domainsLock) {
            d = byHandle(handle);
            if (d == null) {
                return Errno.ESRCH;
            }
            if (d == dom0) {
                return Errno.EPERM;
            }
            for (InProcessDomain other : domains.values()) {
                if (other != d && other.name().equals(newName)) {
                    return Errno.EEXIST;
                }
            }
            d.rename(newName);
        }
        dom0.store().write("/local/domain/" + d.domid() + "/name", newName);
        fireChanged(d);
        return Errno.OK;
    }

    @Override
    public Errno destroy(DomainHandle handle) {
        InProcessDomain d = byHandle(handle);
        if (d == null) {
            return Errno.ESRCH;
        }
        if (d == dom0) {
            return Errno.EPERM;
        }
        synchronized (d) {
            if (d.state() == DomainState.DYING) {
                return Errno.ESRCH;
            }
            d.markDying();
        }
        // Unmap notifications go out while the ports still connect (as the kernel's gntalloc/gntdev
        // release runs before the event channels close); then event channels (peers see unbound),
        // then the grant mappings it holds.
        d.gnttabImpl().fireUnmapNotifies();
        synchronized (eventLock) {
            d.evtchnImpl().closeAllLocked();
        }
        d.gnttabImpl().releaseOnDestroy();
        // The file's name goes now, so no process finds a dead domain's pages; the mapping stays
        // while anything reaches a page (a peer that maps a granted page, the domain winding down).
        d.pages().retire();
        d.closeStore();
        synchronized (domainsLock) {
            domains.remove(d.domid(), d);
        }
        // The toolstack removes the home; xenstored then releases what the domain still owned.
        dom0.store().rm("/local/domain/" + d.domid());
        xenstore.releaseDomain(d.domid());
        raiseVirqInDom0(Virq.VIRQ_DOM_EXC);
        log.debug("destroyed {}", d.handle());
        fireChanged(d);
        return Errno.OK;
    }

    private void raiseVirqInDom0(int virq) {
        int port = dom0.evtchnImpl().virqPort(0, virq);
        if (port != 0) {
            dom0.raise(port, 0);
        }
    }

    @Override
    public Optional<DomainInfo> info(DomainHandle handle) {
        InProcessDomain d = byHandle(handle);
        return d == null ? Optional.empty() : Optional.of(infoOf(d));
    }

    private DomainInfo infoOf(InProcessDomain d) {
        return new DomainInfo(d.handle(), d.name(), d.observedState(), d.shutdownReason(), d.vcpus(),
                d.memory().pagesInUse(), d.memory().maxPages(), d.createdAt());
    }

    @Override
    public List<DomainInfo> list() {
        List<InProcessDomain> ds;
        synchronized (domainsLock) {
            ds = new ArrayList<>(domains.values());
        }
        List<DomainInfo> out = new ArrayList<>(ds.size());
        for (InProcessDomain d : ds) {
            out.add(infoOf(d));
        }
        return out;
    }

    @Override
    public void addDomainListener(Consumer<DomainInfo> listener) {
        listeners.add(listener);
    }

    @Override
    public void removeDomainListener(Consumer<DomainInfo> listener) {
        listeners.remove(listener);
    }

    private void fireChanged(InProcessDomain d) {
        if (listeners.isEmpty()) {
            return;
        }
        DomainInfo info = infoOf(d);
        for (Consumer<DomainInfo> l : listeners) {
            try {
                l.accept(info);
            } catch (RuntimeException e) {
                log.warn("domain listener {} failed on {}", l, info, e);
            }
        }
    }

    @Override
    public void setFaultInterceptor(FaultInterceptor interceptor) {
        this.faults = interceptor;
    }

    @Override
    public FaultInterceptor faultInterceptor() {
        return faults;
    }

    /** A send that an interceptor may drop or defer. */
    void notifyThroughFaults(FaultInterceptor f, InProcessDomain from, int fromPort, InProcessDomain to, int toPort, int vcpu) {
        switch (f.onNotify(from.domid(), fromPort, to.domid(), toPort)) {
            case DELIVER -> to.raise(toPort, vcpu);
            case DROP -> {
            }
            case DEFER -> {
                synchronized (deferred) {
                    deferred.addLast(new Deferred(to, toPort, vcpu));
                }
            }
        }
    }

    @Override
    public int releaseDeferredNotifications() {
        List<Deferred> batch;
        synchronized (deferred) {
            batch = new ArrayList<>(deferred);
            deferred.clear();
        }
        int n = 0;
        for (Deferred x : batch) {
            if (x.target().isLive()) {
                x.target().raise(x.port(), x.vcpu());
                n++;
            }
        }
        return n;
    }

    @Override
    public Errno revokeGrant(DomainHandle granter, int ref) {
        InProcessDomain d = byHandle(granter);
        if (d == null) {
            return Errno.ESRCH;
        }
        return d.gnttabImpl().revoke(ref);
    }

    /** Pins held on a domain's grant ref, for leak checks in tests. */
    public int grantPins(DomainHandle granter, int ref) {
        InProcessDomain d = byHandle(granter);
        return d == null ? 0 : d.gnttabImpl().pinCount(ref);
    }

    /** Raw flags of a domain's grant entry, for tests. */
    public int grantFlags(DomainHandle granter, int ref) {
        InProcessDomain d = byHandle(granter);
        if (d == null) {
            throw new IllegalArgumentException("no domain " + granter);
        }
        return d.gnttabImpl().flags(ref);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<InProcessDomain> ds;
        synchronized (domainsLock) {
            ds = new ArrayList<>(domains.values());
        }
        for (InProcessDomain d : ds.reversed()) {
            if (d != dom0) {
                destroy(d.handle());
            }
        }
        // dom0 goes last and the same way: its vCPUs are told, its mappings of others' pages dropped.
        dom0.markDying();
        dom0.gnttabImpl().releaseOnDestroy();
        dom0.pages().retire();
        dom0.closeStore();
        pageSources.close();
    }

    /** The file holding a domain's pages in the shared-memory backend; empty in-process or once destroyed. */
    public Optional<java.nio.file.Path> domainFile(DomainHandle handle) {
        InProcessDomain d = byHandle(handle);
        return d == null || d.state() == DomainState.DYING ? Optional.empty() : d.pages().file();
    }

    /**
     * Whether a thread sleeps in SCHEDOP_block/poll or a paused checkpoint on this vCPU now (parked, or
     * counted as a waiter on its doorbell so that a ring reaches it); for tests and diagnostics.
     */
    public boolean isVcpuSleeping(DomainHandle handle, int vcpu) {
        InProcessDomain d = byHandle(handle);
        return d != null && d.isVcpuSleeping(vcpu);
    }
}
