package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.EndAccess;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.internal.store.XsConnection;
import dev.lingon.xen.internal.store.XsReply;
import dev.lingon.xen.internal.store.XsRequest;
import dev.lingon.xen.internal.store.XsWireCodec;
import dev.lingon.xen.layout.XsWireLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * dom0's side of one domain's hypercall connection: reads its frames, checks the hello, then serves each
 * request on the domain's own {@link XenDomain} and writes the reply; pushes state changes and watch
 * events through a queue and a writer thread. Owned by its reader thread; {@link #close} and
 * {@link #push} may come from any thread.
 */
final class DomainLink {
    private static final Logger log = LoggerFactory.getLogger(DomainLink.class);

    /** Puts the writer thread to rest. */
    private static final ByteBuffer STOP = ByteBuffer.allocate(0);

    /** A request that breaks the protocol in a way only the dispatcher can see (a second hello, a torn xs_wire message). */
    private static final class Violation extends Exception {
        Violation(String message) {
            super(message, null, false, false);
        }
    }

    private final HypercallServer server;
    private final Hypervisor hv;
    private final FrameChannel ch;
    private final LinkedBlockingQueue<ByteBuffer> pushes = new LinkedBlockingQueue<>(HypercallServer.MAX_BACKLOG);
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Set once by the hello, on the reader thread, before any request is served or any push is made. */
    private volatile DomainHandle handle;
    private XenDomain xd;
    private volatile Consumer<DomainInfo> domainListener;

    private final Map<Integer, XsConnection> stores = new ConcurrentHashMap<>();
    private final AtomicInteger nextStore = new AtomicInteger(1);
    /** dom0's view of each page this domain has mapped, by handle: what an unmap notification names. */
    private final Map<Integer, MemorySegment> mapped = new ConcurrentHashMap<>();
    private final Map<Integer, AutoCloseable> unmapNotifies = new ConcurrentHashMap<>();
    private final AtomicInteger nextNotify = new AtomicInteger(1);

    private Thread writer;
    /** Requests served after the hello: a diagnostic, and how tests see which calls reach dom0. */
    private final java.util.concurrent.atomic.AtomicLong served = new java.util.concurrent.atomic.AtomicLong();

    DomainLink(HypercallServer server, Hypervisor hv, FrameChannel ch) {
        this.server = server;
        this.hv = hv;
        this.ch = ch;
    }

    void start() {
        Thread.ofPlatform().name("lingon-hypercalls").daemon(true).start(this::run);
    }

    long served() {
        return served.get();
    }

    private String who() {
        DomainHandle h = handle;
        return h == null ? "an unidentified domain process" : h.toString();
    }

    // ---------------------------------------------------------------- reader

    private void run() {
        try {
            FrameChannel.Frame first = ch.read();
            if (first == null) {
                close(null);
                return;
            }
            if (!hello(first)) {
                return;
            }
            Thread.currentThread().setName("lingon-hypercalls-" + handle);
            writer = Thread.ofVirtual().name("lingon-hypercall-push-" + handle).start(this::writeLoop);
            while (!closed.get()) {
                FrameChannel.Frame f = ch.read();
                if (f == null) {
                    close(new Disconnect.EndOfStream());
                    return;
                }
                if (f.reqId() == HypercallLayout.PUSH_REQ_ID) {
                    violation(HypercallLayout.opName(f.kind()) + " request has req_id 0, which is reserved for dom0's pushes");
                    return;
                }
                Request r = HypercallCodec.decodeRequest(f.kind(), f.body());
                served.incrementAndGet();
                Reply reply;
                try {
                    reply = serve(r);
                } catch (Violation v) {
                    violation(v.getMessage());
                    return;
                }
                ch.write(HypercallCodec.encode(f.reqId(), reply));
            }
        } catch (MalformedFrameException e) {
            violation(e.getMessage());
        } catch (IOException e) {
            if (!closed.get()) {
                close(new Disconnect.IoFailure(e.toString()));
            }
        } catch (RuntimeException | Error e) {
            log.error("the hypercall connection of {} failed in dom0", who(), e);
            close(new Disconnect.IoFailure("dom0 failed serving it: " + e));
        }
    }

    /** Handles the first frame; true if the connection is now bound. */
    private boolean hello(FrameChannel.Frame first) throws IOException {
        if (first.kind() != HypercallLayout.OP_HELLO) {
            refuse(Errno.EINVAL, "the first frame must be LINGON_hello, not " + HypercallLayout.opName(first.kind()), first.reqId());
            return false;
        }
        Request.Hello hello;
        try {
            hello = (Request.Hello) HypercallCodec.decodeRequest(first.kind(), first.body());
        } catch (MalformedFrameException e) {
            refuse(Errno.EINVAL, e.getMessage(), first.reqId());
            return false;
        }
        switch (server.claim(hello, this)) {
            case HypercallServer.Admission.Refused r -> {
                log.warn("refused a hypercall connection claiming dom{}#{}: {}", hello.domid(), hello.generation(), r.reason());
                refuse(r.errno(), r.reason(), first.reqId());
                return false;
            }
            case HypercallServer.Admission.Admitted a -> {
                xd = a.domain();
                handle = xd.handle();
                domainListener = info -> {
                    if (info.handle().equals(handle)) {
                        push(new Reply.DomainInfo(info.state(), info.shutdownReason(), info.name()));
                    }
                };
                hv.addDomainListener(domainListener);
                if (closed.get()) {
                    // dom0 closed the link while the hello was being served; close() may have missed the listener.
                    hv.removeDomainListener(domainListener);
                    return false;
                }
                ch.write(HypercallCodec.encode(first.reqId(), new Reply.Welcome(HypercallLayout.VERSION, xd.domid(), xd.vcpus(),
                        xd.memory().maxPages(), xd.gnttab().maxFrames(), xd.state(), xd.name(), a.file().path().toString())));
                server.connected(handle);
                return true;
            }
        }
    }

    private void refuse(Errno errno, String reason, int reqId) {
        try {
            ch.write(HypercallCodec.encode(reqId, new Reply.Refused(errno, reason)));
        } catch (IOException e) {
            log.debug("could not tell a refused domain process why: {}", e.toString());
        }
        close(null);
    }

    private void violation(String message) {
        log.warn("{} broke the hypercall protocol; closing its connection: {}", who(), message);
        try {
            ch.write(HypercallCodec.encode(HypercallLayout.PUSH_REQ_ID, new Reply.ProtocolError(message)));
        } catch (IOException | RuntimeException e) {
            log.debug("could not tell {} about its protocol violation: {}", who(), e.toString());
        }
        close(new Disconnect.ProtocolViolation(message));
    }

    // ---------------------------------------------------------------- pushes

    /** Queues a push; a domain that lets {@link HypercallServer#MAX_BACKLOG} of them pile up is dropped. */
    void push(Reply reply) {
        if (closed.get()) {
            return;
        }
        if (!pushes.offer(HypercallCodec.encode(HypercallLayout.PUSH_REQ_ID, reply))) {
            close(new Disconnect.Unresponsive(HypercallServer.MAX_BACKLOG));
        }
    }

    private void writeLoop() {
        try {
            while (true) {
                ByteBuffer b = pushes.take();
                if (b == STOP) {
                    return;
                }
                ch.write(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            if (!closed.get()) {
                close(new Disconnect.IoFailure(e.toString()));
            }
        }
    }

    // ---------------------------------------------------------------- close

    /** Ends the connection once; {@code why} is null for a connection that never bound. */
    void close(Disconnect why) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (domainListener != null) {
            hv.removeDomainListener(domainListener);
        }
        // The domain's process is gone, so are its xenstored connections (and with them its watches and
        // open transactions). Its grant mappings and unmap notifications stay: dom0 releases them, and
        // fires the notifications, when it destroys the crashed domain.
        for (XsConnection s : stores.values()) {
            s.close();
        }
        stores.clear();
        ch.close();
        pushes.clear();
        pushes.offer(STOP);
        server.closed(this, handle, why == null ? new Disconnect.ClosedByDom0() : why);
    }

    // ---------------------------------------------------------------- requests

    /** Carries one request out on the domain's own {@link XenDomain}; misuse and dom0's own failures become replies. */
    private Reply serve(Request r) throws Violation {
        try {
            return dispatch(r);
        } catch (IllegalArgumentException e) {
            return new Reply.Misuse(false, message(e));
        } catch (IllegalStateException e) {
            return new Reply.Misuse(true, message(e));
        } catch (RuntimeException e) {
            log.error("dom0 failed {} for {}", r.describe(), handle, e);
            return new Reply.Failed(clip("dom0 failed " + r.describe() + " for " + handle + ": " + e));
        }
    }

    private static String message(RuntimeException e) {
        return clip(e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** Explanations travel as protocol strings, which have a length limit; a longer one is cut, not refused. */
    private static String clip(String s) {
        return s.length() <= 1024 ? s : s.substring(0, 1024) + "…";
    }

    private Reply dispatch(Request r) throws Violation {
        return switch (r) {
            case Request.Hello h -> throw new Violation("a second LINGON_hello on a connection already bound to " + handle);
            case Request.BindInterdomain b -> value(xd.evtchn().bindInterdomain(b.remoteDom(), b.remotePort()));
            case Request.BindVirq b -> value(xd.evtchn().bindVirq(b.virq(), b.vcpu()));
            case Request.Close c -> rc(xd.evtchn().close(c.port()));
            case Request.Send s -> rc(xd.evtchn().send(s.port()));
            case Request.Status s -> portStatus(s.dom() == DomId.DOMID_SELF ? xd.evtchn().status(s.port()) : xd.evtchn().status(s.dom(), s.port()));
            case Request.AllocUnbound a -> value(xd.evtchn().allocUnbound(a.dom(), a.remoteDom()));
            case Request.BindIpi b -> value(xd.evtchn().bindIpi(b.vcpu()));
            case Request.BindVcpu b -> rc(xd.evtchn().bindVcpu(b.port(), b.vcpu()));
            case Request.Unmask u -> rc(xd.evtchn().unmask(u.port()));
            case Request.Reset x -> rc(xd.evtchn().reset(x.dom()));
            case Request.MapGrantRef m -> map(m);
            case Request.UnmapGrantRef u -> {
                var status = xd.gnttab().unmap(u.handle());
                if (status.isOkay()) {
                    mapped.remove(u.handle());
                }
                yield new Reply.Gnt(status);
            }
            case Request.Copy c -> new Reply.Gnt(xd.gnttab().copy(c.copy()));
            case Request.QuerySize q -> new Reply.QuerySize(xd.gnttab().nrFrames(), xd.gnttab().maxFrames());
            case Request.GrantForeignAccess g -> value(xd.gnttab().grantAccess(g.dom(), g.frame(), g.readonly()));
            case Request.GrantForeignAccessRef g -> value(xd.gnttab().grantAccessAt(g.ref(), g.dom(), g.frame(), g.readonly()));
            case Request.EndForeignAccessRef e -> count(xd.gnttab().endAccess(e.ref()) == EndAccess.ENDED ? 0 : 1);
            case Request.EndForeignAccess e -> count(xd.gnttab().endAccessDeferred(e.ref()) ? 1 : 0);
            case Request.RetryDeferred x -> count(xd.gnttab().retryDeferred());
            case Request.DeferredCount x -> count(xd.gnttab().deferredCount());
            case Request.ActiveMappings x -> count(xd.gnttab().activeMappings());
            case Request.SetUnmapNotify n -> setUnmapNotify(n);
            case Request.ClearUnmapNotify c -> {
                AutoCloseable reg = unmapNotifies.remove(c.registration());
                if (reg == null) {
                    yield new Reply.Rc(Errno.EINVAL, handle + " has no unmap notification " + c.registration());
                }
                closeQuietly(reg);
                yield new Reply.Rc(Errno.OK, "");
            }
            case Request.DecreaseReservation d -> rc(xd.memory().freePage(d.frame()));
            case Request.CurrentReservation c -> count(xd.memory().pagesInUse());
            case Request.PopulatePhysmap p -> value(xd.memory().allocPage().map(Memory.Page::frame));
            case Request.PageQuery q -> switch (xd.memory().page(q.frame())) {
                case Result.Ok<MemorySegment> ok -> new Reply.Rc(Errno.OK, "");
                case Result.Err<MemorySegment> err -> new Reply.Rc(err.errno(), clip(err.detail()));
            };
            case Request.MapPeerEvents m -> mapPeerEvents(m);
            case Request.Shutdown s -> {
                xd.sched().shutdown(s.reason());
                yield new Reply.Rc(Errno.OK, "");
            }
            case Request.GetDomainInfo g -> hv.info(handle)
                    .map(i -> new Reply.DomainInfo(i.state(), i.shutdownReason(), i.name()))
                    .orElseGet(() -> new Reply.DomainInfo(dev.lingon.xen.api.DomainState.DYING, null, xd.name()));
            case Request.XsOpen o -> xsOpen();
            case Request.XsClose c -> {
                XsConnection s = stores.remove(c.conn());
                if (s == null) {
                    yield new Reply.Rc(Errno.EINVAL, handle + " has no XenStore connection " + c.conn());
                }
                s.close();
                yield new Reply.Rc(Errno.OK, "");
            }
            case Request.XsMessage m -> xsMessage(m);
        };
    }

    private static Reply rc(Errno e) {
        return new Reply.Rc(e, "");
    }

    private static Reply value(Result<Integer> r) {
        return switch (r) {
            case Result.Ok<Integer> ok -> new Reply.Value(Errno.OK, ok.value(), "");
            case Result.Err<Integer> err -> new Reply.Value(err.errno(), 0, clip(err.detail()));
        };
    }

    private static Reply count(long n) {
        return new Reply.Value(Errno.OK, n, "");
    }

    private static Reply portStatus(Result<EvtchnStatus> r) {
        return switch (r) {
            case Result.Ok<EvtchnStatus> ok -> new Reply.PortStatus(ok.value());
            case Result.Err<EvtchnStatus> err -> new Reply.Rc(err.errno(), clip(err.detail()));
        };
    }

    /**
     * {@code GNTTABOP_map_grant_ref}: the hypervisor maps (and checks) as for any domain; dom0 then finds
     * the page in the granter's file, so the domain's process can map that one page itself.
     */
    private Reply map(Request.MapGrantRef m) {
        return switch (xd.gnttab().map(m.dom(), m.ref(), m.readonly())) {
            case MapResult.Refused refused -> new Reply.Gnt(refused.status());
            case MapResult.Mapped ok -> {
                long offset = -1;
                String file = null;
                var granter = hv.domain(m.dom());
                if (granter.isPresent()) {
                    var f = server.files().file(granter.get().handle());
                    if (f.isPresent()) {
                        offset = f.get().offsetOf(ok.page());
                        file = f.get().path().toString();
                    }
                }
                if (offset < 0) {
                    xd.gnttab().unmap(ok.handle());
                    log.error("{} mapped grant {} of dom{}, but dom0 cannot find that page in dom{}'s shared-memory file", handle,
                            m.ref(), m.dom(), m.dom());
                    yield new Reply.Failed("dom0 mapped grant " + m.ref() + " of dom" + m.dom() + " for " + handle
                            + " but cannot find the page in dom" + m.dom() + "'s shared-memory file, so it undid the map;"
                            + " the hypervisor must hand out pages of its DomainFiles");
                }
                mapped.put(ok.handle(), ok.page());
                yield new Reply.Mapped(ok.handle(), offset, m.readonly(), file);
            }
        };
    }

    /**
     * Authorises the direct send path on one interdomain port: the caller gets its peer's file, of which
     * it maps only the event pages. Refused while a fault interceptor is installed, because a direct
     * send would bypass it; the caller then sends through dom0.
     */
    private Reply mapPeerEvents(Request.MapPeerEvents m) {
        EvtchnStatus st;
        switch (xd.evtchn().status(m.port())) {
            case Result.Ok<EvtchnStatus> ok -> st = ok.value();
            case Result.Err<EvtchnStatus> err -> {
                return new Reply.Rc(err.errno(), clip(err.detail()));
            }
        }
        if (st.state() != dev.lingon.xen.api.EvtchnState.INTERDOMAIN) {
            return new Reply.Rc(Errno.EINVAL, "port " + m.port() + " of " + handle + " is " + st.state() + ", not interdomain");
        }
        if (hv.faultInterceptor() != null) {
            return new Reply.Rc(Errno.EBUSY, "dom0 injects faults into notifications: " + handle + " sends through dom0");
        }
        var peer = hv.domain(st.remoteDomid());
        var file = peer.flatMap(p -> server.files().file(p.handle()));
        if (file.isEmpty()) {
            return new Reply.Rc(Errno.ENODEV, "dom" + st.remoteDomid() + " has no shared-memory file");
        }
        DomainHandle ph = peer.get().handle();
        return new Reply.PeerFile(ph.domid(), ph.generation(), peer.get().vcpus(), file.get().path().toString());
    }

    private Reply setUnmapNotify(Request.SetUnmapNotify n) {
        MemorySegment page;
        if (n.viaHandle()) {
            page = mapped.get(n.handleOrFrame());
            if (page == null) {
                throw new IllegalArgumentException(handle + " holds no grant mapping with handle " + n.handleOrFrame());
            }
        } else {
            page = switch (xd.memory().page(n.handleOrFrame())) {
                case Result.Ok<MemorySegment> ok -> ok.value();
                case Result.Err<MemorySegment> err -> throw new IllegalArgumentException(handle + " has no frame "
                        + n.handleOrFrame() + " to clear a byte of when it dies (" + err.errno() + ")");
            };
        }
        AutoCloseable reg = xd.gnttab().unmapNotify(page, n.offset(), n.port());
        int id = nextNotify.getAndIncrement();
        unmapNotifies.put(id, reg);
        return count(id);
    }

    private Reply xsOpen() {
        XenStore s = xd.openStore();
        if (!(s instanceof XsConnection conn)) {
            s.close();
            return new Reply.Failed("dom0's XenStore for " + handle + " is a " + s.getClass().getName()
                    + ", which cannot serve xs_wire requests; it must be Lingon's xenstored");
        }
        int id = nextStore.getAndIncrement();
        conn.onWatchEvent(ev -> push(new Reply.XsMessage(id, XsWireCodec.encodeFrame(new XsWireCodec.Frame(
                XsWireLayout.XS_WATCH_EVENT, 0, 0, XsWireCodec.encodePayload(new XsReply.Event(ev.path(), ev.token())))))));
        stores.put(id, conn);
        return count(id);
    }

    /** One xs_wire request, served as xenstored serves its ring: the reply carries the request's type (or XS_ERROR), req_id and tx_id. */
    private Reply xsMessage(Request.XsMessage m) throws Violation {
        ByteBuffer in = ByteBuffer.wrap(m.messageNoCopy());
        XsWireCodec.Frame frame = switch (XsWireCodec.decodeFrame(in)) {
            case XsWireCodec.Decoded.Complete c -> c.frame();
            case XsWireCodec.Decoded.NeedMore n -> throw new Violation("LINGON_xs_message carries a torn xs_wire message ("
                    + n.missing() + " bytes missing)");
            case XsWireCodec.Decoded.Malformed bad -> throw new Violation("LINGON_xs_message: " + bad.reason());
        };
        if (in.hasRemaining()) {
            throw new Violation("LINGON_xs_message carries " + in.remaining() + " bytes after its xs_wire message");
        }
        XsConnection conn = stores.get(m.conn());
        XsReply reply = conn == null
                ? new XsReply.Error(Errno.EINVAL)
                : switch (XsWireCodec.decodeRequest(frame)) {
                    case Result.Ok<XsRequest> ok -> conn.serve(frame.txId(), ok.value());
                    case Result.Err<XsRequest> err -> new XsReply.Error(err.errno());
                };
        int type = reply instanceof XsReply.Error ? XsWireLayout.XS_ERROR : frame.type();
        return new Reply.XsMessage(m.conn(), XsWireCodec.encodeFrame(new XsWireCodec.Frame(type, frame.reqId(), frame.txId(),
                XsWireCodec.encodePayload(reply))));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("closing {} failed: {}", c, e.toString());
        }
    }
}
