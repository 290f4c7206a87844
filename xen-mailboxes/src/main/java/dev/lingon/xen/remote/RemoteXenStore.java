package dev.lingon.xen.remote;

import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.internal.store.XsReply;
import dev.lingon.xen.internal.store.XsRequest;
import dev.lingon.xen.internal.store.XsRequestStore;
import dev.lingon.xen.internal.store.XsWireCodec;
import dev.lingon.xen.layout.XsWireLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
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
final class RemoteXenStore extends XsRequestStore {
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

    @Override
    protected void checkUsable() {
        if (closed.get()) {
            throw new IllegalStateException("this XenStore connection of " + d.handle() + " is closed");
        }
    }

    /** The request as the xs_wire message a guest would put on its ring, in a {@code LINGON_xs_message} call. */
    @Override
    protected Result<XsReply> exchange(int tx, XsRequest request) {
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

    @Override
    public String toString() {
        return "RemoteXenStore[" + d.handle() + " conn " + conn + (closed.get() ? ", closed" : "") + "]";
    }
}
