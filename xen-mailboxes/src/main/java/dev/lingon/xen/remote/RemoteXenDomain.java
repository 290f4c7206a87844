package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.GrantTable;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.internal.DoorbellWakeups;
import dev.lingon.xen.internal.EventDelivery;
import dev.lingon.xen.internal.PortStateMirror;
import dev.lingon.xen.internal.SharedInfoPage;
import dev.lingon.xen.internal.VcpuPage;
import dev.lingon.xen.internal.store.XsReply;
import dev.lingon.xen.internal.store.XsWireCodec;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.layout.SharedInfoLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A domain seen from inside its own process, in the process backend: the {@link XenDomain} a domain's
 * kernel uses when dom0's hypervisor lives in another process. Built from the {@link LaunchTicket} dom0
 * gave the process ({@link #fromEnvironment()} in a real domain process, {@link #connect} in tests).
 *
 * <p>Two planes, as under Xen:
 * <ul>
 *   <li><b>Control hypercalls</b> — alloc/bind/close/unmask/status of event channels, grant, end, map,
 *   unmap and copy of grants, memory reservation, XenStore, domain info, shutdown — are calls over the
 *   hypercall socket ({@link HypercallLayout}). dom0 carries each one out on this domain's own
 *   dom0-side {@code XenDomain}, so every permission check of the hypervisor applies, and the answers
 *   come back as the same {@link Result}s, errnos and {@code GNTST_*} codes as in one JVM.</li>
 *   <li><b>Hot paths</b> stay in this process, on the domain's shared-memory file
 *   ({@link DomainFileLayout}), which it maps whole: the pending and mask bits, selector words and
 *   {@code upcall_pending} of its shared-info page ({@code isPending}, {@code drainPending},
 *   {@code mask}, {@code upcallPending}); its own pages; {@code SCHEDOP_block} and
 *   {@code SCHEDOP_poll}, which sleep on the vCPU doorbells of its file with no round trip through
 *   dom0 (whoever raises one of its ports rings the doorbell, {@link dev.lingon.xen.internal.EventDelivery}). A mapped
 *   grant is the one page of the granter's file that dom0 named when it authorised the map.</li>
 * </ul>
 *
 * <p><b>{@code EVTCHNOP_send} on an interdomain or IPI port is direct.</b> For an interdomain port the
 * domain reads the peer in the port-state mirror of its own file, checks in the peer's mirror that the
 * peer port still points back, and raises it in the peer's file and rings the peer's doorbell itself —
 * what dom0's hypervisor would do ({@link dev.lingon.xen.internal.EventDelivery#raise}), with no round
 * trip. For that it maps the peer's event pages (shared info, vCPU page, port-state mirror; never its
 * grant frames or memory), which dom0 authorises once per peer for an interdomain port of the caller
 * ({@code LINGON_map_peer_events}). An IPI (how a kernel wakes its own idle vCPUs) is raised in the
 * domain's own file. Every other send — unbound, free or invalid ports, a peer whose mirror no longer
 * points back, a peer without a file (dom0), and every interdomain send while dom0 injects faults at the
 * time of authorisation — goes through dom0, which answers as Xen does. Known gap: dom0's fault
 * interceptor does not see direct sends (IPIs, and interdomain sends to a peer authorised before the
 * interceptor was installed). {@link #connect(LaunchTicket, PageMapper, Duration, boolean)} can turn
 * the direct path off.
 *
 * <p>If the link to dom0 goes down (dom0 died, or closed the connection), every later control call
 * throws {@link Dom0LinkException}, blocked vCPUs return {@link dev.lingon.xen.api.Wake#SHUTDOWN} and
 * {@link #state()} answers {@link DomainState#DYING}: the domain's kernel must stop its process.
 *
 * <p>Thread-safe: every vCPU thread of the domain may call it.
 */
public final class RemoteXenDomain implements XenDomain, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RemoteXenDomain.class);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final HypercallClient client;
    private final PageMapper mapper;
    private final PageMapper.Mapping own;
    private final MemorySegment file;
    private final SharedInfoPage si;
    private final VcpuPage vcpuPage;
    private final DoorbellWakeups wakeups;
    private final DomainHandle handle;
    private final int vcpus;
    private final int maxPages;
    private final int maxGrantFrames;

    private volatile String name;

    private final RemoteEventChannels evtchn;
    private final RemoteGrantTable gnttab;
    private final RemoteMemory memory;
    private final RemoteSched sched;
    private final RemoteHypervisor hypervisorView = new RemoteHypervisor(this);
    private final PortStateMirror portStates;
    /** Raising this domain's own ports (IPIs) in its own file, as dom0 would. */
    private final EventDelivery events;
    /** The event pages of peers this domain sends to directly, by domid. */
    private final Map<Integer, PeerEvents> peers = new ConcurrentHashMap<>();
    /** Peers dom0 refused the direct path for (it injects faults, or the peer has no file), for the rest of this domain's life. */
    private final Map<Integer, Boolean> viaDom0 = new ConcurrentHashMap<>();
    private final boolean directSend;
    private final Map<Integer, RemoteXenStore> stores = new ConcurrentHashMap<>();
    private volatile RemoteXenStore store;
    /** Delivers watch events in order, off the link's reader thread, so a listener may call back into the store. */
    private final ExecutorService watchDelivery;
    /** vCPU threads inside block, poll or checkpoint: the own file stays mapped until they are out. */
    private final AtomicInteger inSched = new AtomicInteger();
    private volatile boolean closed;

    private RemoteXenDomain(HypercallClient client, PageMapper mapper, DomainHandle handle, boolean directSend) {
        this.client = client;
        this.mapper = mapper;
        Reply.Welcome w = client.welcome();
        // The generation is the ticket's: dom0 accepted the hello only for that incarnation.
        this.handle = handle;
        this.vcpus = w.vcpus();
        this.maxPages = w.maxPages();
        this.maxGrantFrames = w.maxGrantFrames();
        this.name = w.name();
        this.own = mapper.mapOwn(Path.of(w.file()));
        this.file = own.segment();
        long need = DomainFileLayout.fileSize(maxGrantFrames, maxPages);
        if (file.byteSize() < need) {
            own.close();
            throw new IllegalStateException("the domain file " + w.file() + " is " + file.byteSize() + " bytes, but a domain of "
                    + maxGrantFrames + " grant frames and " + maxPages + " pages needs " + need);
        }
        checkHeader(w.file());
        this.si = new SharedInfoPage(file.asSlice((long) DomainFileLayout.SHARED_INFO_PAGE * DomainFileLayout.PAGE_SIZE,
                SharedInfoLayout.PAGE_SIZE));
        this.vcpuPage = new VcpuPage(file.asSlice((long) DomainFileLayout.VCPU_PAGE * DomainFileLayout.PAGE_SIZE,
                DomainFileLayout.PAGE_SIZE));
        this.wakeups = new DoorbellWakeups(vcpuPage, vcpus);
        this.portStates = new PortStateMirror(file.asSlice((long) DomainFileLayout.PORT_STATE_PAGE * DomainFileLayout.PAGE_SIZE,
                (long) DomainFileLayout.PORT_MIRROR_PAGES * DomainFileLayout.PAGE_SIZE));
        this.events = new EventDelivery(si, vcpuPage, wakeups, vcpus);
        this.directSend = directSend;
        this.evtchn = new RemoteEventChannels(this);
        this.gnttab = new RemoteGrantTable(this);
        this.memory = new RemoteMemory(this);
        this.sched = new RemoteSched(this);
        this.watchDelivery = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("lingon-watch-events-dom" + w.domid()).factory());
    }

    /** The file dom0 named must be this incarnation's: a stale or foreign file would mean events nobody sees. */
    private void checkHeader(String path) {
        long base = (long) DomainFileLayout.VCPU_PAGE * DomainFileLayout.PAGE_SIZE;
        int magic = (int) INT.getAcquire(file, base + DomainFileLayout.MAGIC_OFFSET);
        int domid = file.get(ValueLayout.JAVA_INT, base + DomainFileLayout.DOMID_OFFSET);
        long generation = file.get(ValueLayout.JAVA_LONG, base + DomainFileLayout.GENERATION_OFFSET);
        if (magic != DomainFileLayout.MAGIC || domid != handle.domid() || generation != handle.generation()) {
            own.close();
            throw new IllegalStateException("dom0 named " + path + " as the file of " + handle + ", but its header says magic 0x"
                    + Integer.toHexString(magic) + ", dom" + domid + "#" + generation);
        }
    }

    /**
     * Connects to dom0 with {@code ticket} and maps the domain's pages through {@code mapper}
     * ({@link ShmPageMapper#INSTANCE} in a real domain process).
     * @throws Dom0LinkException when dom0 cannot be reached or refuses the ticket
     */
    public static RemoteXenDomain connect(LaunchTicket ticket, PageMapper mapper) {
        return connect(ticket, mapper, HypercallClient.DEFAULT_CALL_TIMEOUT, true);
    }

    /**
     * As {@link #connect(LaunchTicket, PageMapper)}, giving up on a call dom0 does not answer within
     * {@code callTimeout}; with {@code directSend} false every {@code EVTCHNOP_send} goes through dom0.
     */
    public static RemoteXenDomain connect(LaunchTicket ticket, PageMapper mapper, Duration callTimeout, boolean directSend) {
        Objects.requireNonNull(mapper, "mapper");
        HypercallClient c = HypercallClient.connect(ticket, callTimeout);
        RemoteXenDomain d;
        try {
            d = new RemoteXenDomain(c, mapper, ticket.handle(), directSend);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        c.onPush(d::onPush);
        c.onDown(d::onLinkDown);
        return d;
    }

    /** The domain this process was launched as, from the ticket dom0 put in its environment, mapping pages from shared memory. */
    public static RemoteXenDomain fromEnvironment() {
        return connect(LaunchTicket.fromEnvironment(System.getenv()), ShmPageMapper.INSTANCE);
    }

    // ---------------------------------------------------------------- XenDomain

    @Override
    public DomainHandle handle() {
        return handle;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int vcpus() {
        return vcpus;
    }

    @Override
    public EventChannels evtchn() {
        return evtchn;
    }

    @Override
    public GrantTable gnttab() {
        return gnttab;
    }

    @Override
    public Memory memory() {
        return memory;
    }

    @Override
    public Sched sched() {
        return sched;
    }

    @Override
    public XenStore store() {
        RemoteXenStore s = store;
        if (s == null) {
            synchronized (this) {
                s = store;
                if (s == null) {
                    s = openStoreConnection();
                    store = s;
                }
            }
        }
        return s;
    }

    @Override
    public XenStore openStore() {
        return openStoreConnection();
    }

    private RemoteXenStore openStoreConnection() {
        Reply r = client.call(new Request.XsOpen());
        if (!(r instanceof Reply.Value v) || v.errno() != Errno.OK) {
            throw unexpected(new Request.XsOpen(), r);
        }
        RemoteXenStore s = new RemoteXenStore(this, (int) v.value());
        stores.put(s.conn(), s);
        return s;
    }

    @Override
    public MemorySegment sharedInfo() {
        return si.segment();
    }

    /**
     * The domain's state, read in its own file without a call (a kernel asks on every cross-vCPU wake):
     * the run state dom0 publishes there (shutdown, crashed, dying, paused), else blocked when every vCPU
     * sleeps on its doorbell, else running; {@link DomainState#DYING} once the link to dom0 is down,
     * because a domain that cannot reach dom0 must stop.
     */
    @Override
    public DomainState state() {
        if (closed || !client.isUp()) {
            return DomainState.DYING;
        }
        int run = vcpuPage.runState();
        switch (DomainFileLayout.terminalOf(run)) {
            case DomainFileLayout.RUN_SHUTDOWN -> {
                return DomainState.SHUTDOWN;
            }
            case DomainFileLayout.RUN_CRASHED -> {
                return DomainState.CRASHED;
            }
            case DomainFileLayout.RUN_DYING -> {
                return DomainState.DYING;
            }
            default -> {
            }
        }
        if (DomainFileLayout.isPaused(run)) {
            return DomainState.PAUSED;
        }
        for (int v = 0; v < vcpus; v++) {
            if (!wakeups.isSleeping(v)) {
                return DomainState.RUNNING;
            }
        }
        return DomainState.BLOCKED;
    }

    /**
     * The hypervisor as this unprivileged domain sees it: only itself (its info has no creation time:
     * 0); toolstack operations answer
     * {@code EPERM}, as Xen's domctls do for a domain that is not dom0, and no fault interceptor (faults
     * are injected in dom0).
     */
    @Override
    public Hypervisor hypervisor() {
        return hypervisorView;
    }

    /** {@code XEN_DOMCTL_getdomaininfo} of this domain. */
    DomainInfo info() {
        Request req = new Request.GetDomainInfo();
        Reply r = client.call(req);
        if (!(r instanceof Reply.DomainInfo info)) {
            throw unexpected(req, r);
        }
        noteInfo(info);
        return new DomainInfo(handle, info.name(), info.state(), info.reason(), vcpus, memory.pagesInUse(), maxPages, 0L);
    }

    /**
     * Runs {@code handler} once, with the reason, when the link to dom0 ends (dom0 died or closed it);
     * at once if it already has. A domain cut off from dom0 must stop: this is where its kernel learns
     * to halt the process. Runs on the link's thread; it must not block.
     */
    public void onDom0Lost(java.util.function.Consumer<String> handler) {
        client.onDown(handler);
    }

    /** Whether the link to dom0 is up. */
    public boolean isConnected() {
        return client.isUp();
    }

    /** Drops the link to dom0 (dom0 treats that as this domain's end), stops blocked vCPUs and unmaps the pages. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RemoteXenStore s : stores.values()) {
            s.closeLocally();
        }
        client.close();
        kickAll();
        watchDelivery.shutdown();
        gnttab.unmapAllLocally();
        peers.values().forEach(PeerEvents::close);
        peers.clear();
        // A vCPU still inside a doorbell wait touches the file when it wakes; unmap only once they are out.
        for (int tries = 0; inSched.get() > 0 && tries < 2000; tries++) {
            kickAll();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (inSched.get() == 0) {
            own.close();
        } else {
            log.warn("{}: {} vCPU threads are still inside SCHEDOP_block/poll; leaving the domain file mapped", handle(), inSched.get());
        }
    }

    // ---------------------------------------------------------------- for the parts

    HypercallClient client() {
        return client;
    }

    PageMapper mapper() {
        return mapper;
    }

    MemorySegment file() {
        return file;
    }

    SharedInfoPage sharedInfoPage() {
        return si;
    }

    VcpuPage vcpuPage() {
        return vcpuPage;
    }

    DoorbellWakeups wakeups() {
        return wakeups;
    }

    int maxPages() {
        return maxPages;
    }

    int maxGrantFrames() {
        return maxGrantFrames;
    }

    EventDelivery events() {
        return events;
    }

    PortStateMirror portStates() {
        return portStates;
    }

    boolean directSend() {
        return directSend && !closed;
    }

    /**
     * The event pages of {@code peerDomid}, mapped on first use with dom0's authorisation for interdomain
     * {@code port}; null when dom0 refuses (the caller sends through dom0).
     */
    PeerEvents peerEvents(int peerDomid, int port) {
        PeerEvents p = peers.get(peerDomid);
        if (p != null || viaDom0.containsKey(peerDomid)) {
            return p;
        }
        synchronized (peers) {
            p = peers.get(peerDomid);
            if (p != null) {
                return p;
            }
            Request req = new Request.MapPeerEvents(port);
            Reply r = client.call(req);
            switch (r) {
                case Reply.PeerFile f when f.domid() == peerDomid -> {
                    p = new PeerEvents(f, mapper.mapForeign(Path.of(f.file()), 0, PeerEvents.LENGTH, false));
                    peers.put(peerDomid, p);
                    log.debug("{} sends to dom{}#{} directly", handle, f.domid(), f.generation());
                    return p;
                }
                case Reply.PeerFile f -> {
                    return null; // the port was rebound to another peer meanwhile; this send goes through dom0
                }
                case Reply.Rc rc when rc.errno() == Errno.EBUSY || rc.errno() == Errno.ENODEV -> {
                    // dom0 injects faults, or the peer (dom0 itself, say) keeps its pages in no file: every
                    // send to this peer goes through dom0 from now on.
                    viaDom0.put(peerDomid, Boolean.TRUE);
                    return null;
                }
                case Reply.Rc rc -> {
                    return null; // the port changed meanwhile (EINVAL) or the peer is gone (ESRCH): dom0 answers the send
                }
                default -> throw unexpected(req, r);
            }
        }
    }

    /** Drops a peer's pages after its mirror no longer pointed back (it closed the port, or died). */
    void forgetPeer(PeerEvents p) {
        if (peers.remove(p.domid(), p)) {
            try {
                p.close();
            } catch (IllegalStateException e) {
                // Another vCPU is ringing through it right now; the mapping stays until the process ends.
                log.debug("{}: the event pages of dom{} are in use; leaving them mapped", handle, p.domid());
            }
        }
    }

    AtomicInteger inSched() {
        return inSched;
    }

    void checkVcpu(int vcpu) {
        if (vcpu < 0 || vcpu >= vcpus) {
            throw new IllegalArgumentException(handle() + " has no vCPU " + vcpu);
        }
    }

    /**
     * Whether vCPUs must stop running guest code: dom0 published a terminal run state in the file
     * (shutdown, crashed, dying), or this process is cut off from dom0. No call: a volatile read.
     */
    boolean stopping() {
        return closed || !client.isUp()
                || DomainFileLayout.terminalOf(vcpuPage.runState()) != DomainFileLayout.RUN_LIVE;
    }

    /** Whether dom0 published the domain as paused in its file. */
    boolean paused() {
        return DomainFileLayout.isPaused(vcpuPage.runState());
    }

    /** Rings every vCPU's doorbell, so each waiter re-reads the domain's state. */
    void kickAll() {
        for (int v = 0; v < vcpus; v++) {
            wakeups.wake(v);
        }
    }

    void forgetStore(RemoteXenStore s) {
        stores.remove(s.conn(), s);
        if (store == s) {
            store = null;
        }
    }

    void deliverWatchEvent(Runnable r) {
        try {
            watchDelivery.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The domain is closing; its watches go with it.
        }
    }

    /** A call that answers REPLY_RC. */
    Errno rc(Request request) {
        Reply r = client.call(request);
        return switch (r) {
            case Reply.Rc rc -> rc.errno();
            default -> throw unexpected(request, r);
        };
    }

    /** A call that answers REPLY_VALUE, as a port, ref, frame or count. */
    Result<Integer> value(Request request) {
        Reply r = client.call(request);
        return switch (r) {
            case Reply.Value v -> v.errno() == Errno.OK ? Result.ok((int) v.value()) : Result.err(v.errno(), v.detail());
            default -> throw unexpected(request, r);
        };
    }

    /** A call that answers a REPLY_VALUE that cannot fail. */
    int count(Request request) {
        return value(request).orThrow();
    }

    /**
     * The exception for a reply that is not a result: dom0 judged the call a misuse (thrown as dom0's
     * hypervisor threw it), could not carry it out, or answered with a reply of the wrong kind.
     */
    RuntimeException unexpected(Request request, Reply r) {
        return switch (r) {
            case Reply.Misuse m when m.illegalState() -> new IllegalStateException(m.message());
            case Reply.Misuse m -> new IllegalArgumentException(m.message());
            case Reply.Failed f -> new IllegalStateException("dom0 could not carry out " + request.describe() + ": " + f.message());
            default -> new Dom0LinkException("dom0 answered " + request.describe() + " of " + handle() + " with "
                    + HypercallLayout.replyName(r.kind()) + ", which is not an answer to it: " + r);
        };
    }

    // ---------------------------------------------------------------- pushes

    private void onPush(Reply r) {
        switch (r) {
            // dom0 publishes the run state in the file and rings the doorbells itself; the push keeps the name current.
            case Reply.DomainInfo info -> noteInfo(info);
            case Reply.XsMessage m -> {
                RemoteXenStore s = stores.get(m.conn());
                if (s == null) {
                    log.debug("{}: watch event for closed XenStore connection {}", handle(), m.conn());
                    return;
                }
                var decoded = XsWireCodec.decodeFrame(ByteBuffer.wrap(m.messageNoCopy()));
                if (decoded instanceof XsWireCodec.Decoded.Complete c
                        && XsWireCodec.decodeReply(c.frame()) instanceof Result.Ok<XsReply>(XsReply.Event ev)) {
                    s.enqueue(new dev.lingon.xen.api.WatchEvent(ev.path(), ev.token()));
                } else {
                    log.warn("{}: dom0 pushed an xs_wire message that is no watch event: {}", handle(), m);
                }
            }
            default -> log.warn("{}: dom0 pushed {}, which a domain does not expect", handle(), r);
        }
    }

    private void noteInfo(Reply.DomainInfo info) {
        name = info.name();
    }

    private void onLinkDown(String why) {
        // A vCPU waiting in block, poll or checkpoint must look again: without dom0 it has to stop.
        if (!closed || inSched.get() > 0) {
            kickAll();
        }
    }

    /** {@code SCHEDOP_shutdown}. */
    void shutdown(ShutdownReason reason) {
        Request req = new Request.Shutdown(reason);
        Errno e = rc(req);
        if (!e.isOk()) {
            throw new IllegalStateException("dom0 refused " + req.describe() + " of " + handle() + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "RemoteXenDomain[" + handle() + " " + name + "]";
    }
}
