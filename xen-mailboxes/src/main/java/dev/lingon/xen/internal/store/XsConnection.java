package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.layout.XsWireLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client connection to {@link Xenstored}, speaking for one domain: what libxenstore (or a guest
 * kernel's xenbus) is on the client side and {@code struct connection} on the daemon's. Each call
 * builds the {@link XsRequest} the client would send, refuses it with {@code E2BIG} when its payload
 * would exceed {@link XsWireLayout#XENSTORE_PAYLOAD_MAX} (as libxenstore's {@code xs_talkv} does), and
 * otherwise has the daemon process it ({@link XsRequestStore}). A closed connection (by {@link #close} or because its domain
 * was released) answers {@code ENOTCONN}.
 *
 * <p>Thread-safe: any thread may call it. Watch events queue on the connection in the order the
 * daemon produced them; they are handed to the listener one at a time, in that order, by whichever
 * thread is delivering (usually the thread whose request caused them), after the daemon's lock is
 * released. A listener that throws is logged and skipped; delivery goes on.
 */
public final class XsConnection extends XsRequestStore {
    private static final Logger LOG = LoggerFactory.getLogger(XsConnection.class);

    /** A registered watch: the absolute path, the token, and how much of an event path to cut for a relative watch. */
    record Watch(String node, String token, int prefixLen) {
    }

    private final Xenstored daemon;
    private final int domid;
    private final boolean privileged;

    /** Guarded by the daemon's lock. */
    final List<Watch> watches = new ArrayList<>();
    /** Guarded by the daemon's lock. */
    final Map<Integer, XsTransaction> transactions = new LinkedHashMap<>();
    /** Guarded by the daemon's lock; {@code conn->next_transaction_id}. */
    int nextTransactionId;
    /** Written under the daemon's lock. */
    private volatile boolean closed;

    private final Queue<WatchEvent> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();
    private volatile Consumer<WatchEvent> listener;

    XsConnection(Xenstored daemon, int domid) {
        this.daemon = daemon;
        this.domid = domid;
        // domid_is_unprivileged(): only dom0 is privileged here (no separate priv_domid).
        this.privileged = domid == DomId.DOM0;
    }

    @Override
    public int domid() {
        return domid;
    }

    /** Whether this connection speaks for the privileged domain (dom0). */
    public boolean privileged() {
        return privileged;
    }

    /** True once closed, by {@link #close} or by the release of its domain. */
    public boolean isClosed() {
        return closed;
    }

    /** {@code XS_GET_DOMAIN_PATH}: {@code /local/domain/<domid>}. */
    public Result<String> getDomainPath(int ofDomid) {
        return send(XBT_NULL, new XsRequest.GetDomainPath(ofDomid)).map(r -> ((XsReply.DomainPath) r).path());
    }

    /** {@code XS_RESET_WATCHES}: drops every watch and open transaction of this connection. */
    public Result<Void> resetWatches() {
        return done(send(XBT_NULL, new XsRequest.ResetWatches()));
    }

    /**
     * The daemon side of one wire request: what xenstored answers to {@code request} arriving with this
     * {@code tx_id} on this connection, failures as {@link XsReply.Error}. For a transport that has
     * already decoded the frame (so its payload was within the limit); watch events it causes are
     * queued here as usual.
     */
    public XsReply serve(int txId, XsRequest request) {
        Objects.requireNonNull(request, "request");
        return switch (daemon.process(this, txId, request)) {
            case Result.Ok<XsReply> ok -> ok.value();
            case Result.Err<XsReply> err -> new XsReply.Error(err.errno());
        };
    }

    @Override
    public void onWatchEvent(Consumer<WatchEvent> newListener) {
        this.listener = Objects.requireNonNull(newListener, "listener");
        deliver();
    }

    @Override
    public WatchEvent pollWatchEvent() {
        return events.poll();
    }

    @Override
    public void close() {
        daemon.close(this);
    }

    @Override
    public String toString() {
        return "XsConnection[dom" + domid + (closed ? ", closed" : "") + "]";
    }

    // ---------------------------------------------------------------- daemon side

    @Override
    protected Result<XsReply> exchange(int tx, XsRequest request) {
        return daemon.process(this, tx, request);
    }

    /** Called under the daemon's lock. */
    void markClosed() {
        closed = true;
        watches.clear();
        transactions.clear();
        events.clear();
    }

    /** Queues an event; the caller delivers after releasing the daemon's lock. */
    void enqueue(WatchEvent event) {
        events.add(event);
    }

    /**
     * Hands queued events to the listener, unless another thread is already doing so: that thread
     * re-checks the queue after it stops, so no event is left behind and the order is kept.
     */
    void deliver() {
        while (true) {
            Consumer<WatchEvent> l = listener;
            if (l == null || events.isEmpty() || !delivering.compareAndSet(false, true)) {
                return;
            }
            try {
                WatchEvent e;
                while ((e = events.poll()) != null) {
                    try {
                        l.accept(e);
                    } catch (RuntimeException ex) {
                        LOG.warn("dom{} watch listener failed on {}; delivery goes on", domid, e, ex);
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
