package dev.lingon.xen.remote;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.internal.store.XsReply;
import dev.lingon.xen.internal.store.XsRequest;
import dev.lingon.xen.internal.store.XsWireCodec;
import dev.lingon.xen.layout.XsWireLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One xenstored connection of a remote domain: each request is the xs_wire message
 * ({@link XsWireLayout}) a guest would put on its XenStore ring, carried to dom0's xenstored in a
 * {@code LINGON_xs_message} call; watch events come back as pushes and are delivered in order on the
 * domain's watch-delivery thread, never on the link's reader, so a listener may call back into the
 * store. An {@code XS_ERROR} carries only the errno's name, so failures have no detail text.
 * Thread-safe.
 */
final class RemoteXenStore implements XenStore {
    private static final Logger log = LoggerFactory.getLogger(RemoteXenStore.class);

    private final RemoteXenDomain d;
    private final int conn;
    private final AtomicInteger nextXsReqId = new AtomicInteger();
    private final Queue<WatchEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Consumer<WatchEvent> listener;

    RemoteXenStore(RemoteXenDomain d, int conn) {
        this.d = d;
        this.conn = conn;
    }

    int conn() {
        return conn;
    }

    @Override
    public int domid() {
        return d.domid();
    }

    @Override
    public Result<String> read(int tx, String path) {
        return send(tx, new XsRequest.Read(path)).map(r -> ((XsReply.Value) r).value());
    }

    @Override
    public Result<Void> write(int tx, String path, String value) {
        return done(send(tx, new XsRequest.Write(path, value)));
    }

    @Override
    public Result<Void> mkdir(int tx, String path) {
        return done(send(tx, new XsRequest.Mkdir(path)));
    }

    @Override
    public Result<Void> rm(int tx, String path) {
        return done(send(tx, new XsRequest.Rm(path)));
    }

    @Override
    public Result<List<String>> directory(int tx, String path) {
        return send(tx, new XsRequest.Directory(path)).map(r -> ((XsReply.Children) r).names());
    }

    @Override
    public Result<List<XsPermission>> getPermissions(int tx, String path) {
        return send(tx, new XsRequest.GetPerms(path)).map(r -> ((XsReply.Perms) r).perms());
    }

    @Override
    public Result<Void> setPermissions(int tx, String path, List<XsPermission> perms) {
        Objects.requireNonNull(perms, "perms");
        return done(send(tx, new XsRequest.SetPerms(path, perms)));
    }

    @Override
    public Result<Void> watch(String path, String token) {
        return done(send(XBT_NULL, new XsRequest.Watch(path, token)));
    }

    @Override
    public Result<Void> unwatch(String path, String token) {
        return done(send(XBT_NULL, new XsRequest.Unwatch(path, token)));
    }

    @Override
    public Result<Integer> transactionStart() {
        return send(XBT_NULL, new XsRequest.TransactionStart()).map(r -> ((XsReply.TransactionStarted) r).txId());
    }

    @Override
    public Result<Void> transactionEnd(int tx, boolean commit) {
        return done(send(tx, new XsRequest.TransactionEnd(commit)));
    }

    @Override
    public void onWatchEvent(Consumer<WatchEvent> newListener) {
        this.listener = Objects.requireNonNull(newListener, "listener");
        d.deliverWatchEvent(this::deliver);
    }

    @Override
    public WatchEvent pollWatchEvent() {
        return events.poll();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        d.forgetStore(this);
        events.clear();
        if (d.isConnected()) {
            try {
                d.rc(new Request.XsClose(conn));
            } catch (Dom0LinkException e) {
                // dom0 closes the connection's xenstored connections with it.
            }
        }
    }

    /** The domain is closing: forget the connection without telling dom0 (the link's end closes it there). */
    void closeLocally() {
        closed.set(true);
        events.clear();
    }

    /** A watch event dom0 pushed; called on the link's reader thread. */
    void enqueue(WatchEvent e) {
        if (closed.get()) {
            return;
        }
        events.add(e);
        d.deliverWatchEvent(this::deliver);
    }

    /** On the domain's single watch-delivery thread, so events reach the listener in order. */
    private void deliver() {
        Consumer<WatchEvent> l = listener;
        if (l == null) {
            return;
        }
        WatchEvent e;
        while ((e = events.poll()) != null) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                log.warn("{} watch listener failed on {}; delivery goes on", d.handle(), e, ex);
            }
        }
    }

    private Result<XsReply> send(int tx, XsRequest request) {
        if (closed.get()) {
            throw new IllegalStateException("this XenStore connection of " + d.handle() + " is closed");
        }
        int len = XsWireCodec.payloadLength(request);
        if (len > XsWireLayout.XENSTORE_PAYLOAD_MAX) {
            return Result.err(Errno.E2BIG, XsWireLayout.typeName(request.type()) + " payload of " + len
                    + " bytes exceeds XENSTORE_PAYLOAD_MAX (" + XsWireLayout.XENSTORE_PAYLOAD_MAX + ")");
        }
        int xsReqId = nextXsReqId.incrementAndGet();
        Request req = new Request.XsMessage(conn, XsWireCodec.encodeRequest(xsReqId, tx, request));
        Reply r = d.client().call(req);
        if (!(r instanceof Reply.XsMessage m)) {
            throw d.unexpected(req, r);
        }
        if (!(XsWireCodec.decodeFrame(ByteBuffer.wrap(m.messageNoCopy())) instanceof XsWireCodec.Decoded.Complete c)) {
            throw new Dom0LinkException("dom0 answered " + XsWireLayout.typeName(request.type()) + " of " + d.handle()
                    + " with a torn xs_wire message");
        }
        return switch (XsWireCodec.decodeReply(c.frame())) {
            case Result.Ok<XsReply>(XsReply.Error err) -> Result.err(err.errno());
            case Result.Ok<XsReply> ok -> Result.ok(ok.value());
            case Result.Err<XsReply> err -> Result.err(err.errno(), err.detail());
        };
    }

    private static Result<Void> done(Result<XsReply> r) {
        return switch (r) {
            case Result.Ok<XsReply> ok -> Result.ok();
            case Result.Err<XsReply> err -> Result.err(err.errno(), err.detail());
        };
    }

    @Override
    public String toString() {
        return "RemoteXenStore[" + d.handle() + " conn " + conn + (closed.get() ? ", closed" : "") + "]";
    }
}
