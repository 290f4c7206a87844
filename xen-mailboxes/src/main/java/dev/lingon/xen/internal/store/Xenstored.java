package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.layout.XsWireLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The in-process XenStore daemon: the node tree, the domains it has been introduced to, and the
 * connections that talk to it, with the semantics of C xenstored ({@code tools/xenstored/core.c},
 * {@code watch.c}, {@code transaction.c}, {@code domain.c}); the package documentation lists them.
 *
 * <p>Thread-safe. One lock guards the tree, the connections' watches and transactions, and the
 * domain set, so every request is atomic and all connections see changes in one order. Watch
 * events are queued on their connections under the lock and handed to listeners after it is
 * released, on the thread whose request (or {@link #introduceDomain}/{@link #releaseDomain} call)
 * caused them; see {@link XsConnection}.
 */
public final class Xenstored {
    private static final Logger LOG = LoggerFactory.getLogger(Xenstored.class);

    /** {@code hard_quotas[ACC_NODESZ]}: largest accounted node size an unprivileged domain may write (ENOSPC). */
    public static final int QUOTA_NODE_SIZE = 2048;
    /** {@code hard_quotas[ACC_WATCH]}: a domain with more watches than this gets E2BIG for the next. */
    public static final int QUOTA_WATCHES = 128;
    /** {@code hard_quotas[ACC_TRANS]}: a domain with more open transactions than this gets ENOSPC for the next. */
    public static final int QUOTA_TRANSACTIONS = 10;
    /** {@code hard_quotas[ACC_NPERM]}: most permission entries an unprivileged domain may set on a node (ENOSPC). */
    public static final int QUOTA_NODE_PERMISSIONS = 5;

    /** {@code XS_PERM_*} bits of {@code xenstore_lib.h}. */
    static final int XS_PERM_READ = 1;
    static final int XS_PERM_WRITE = 2;
    static final int XS_PERM_OWNER = 8;
    private static final int XS_PERM_ALL = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;

    private final ReentrantLock lock = new ReentrantLock();
    /** Every node by absolute path. Guarded by {@link #lock}. */
    private final Map<String, XsNode> nodes = new LinkedHashMap<>();
    /** Open connections in creation order, the order watch events are produced in. Guarded by {@link #lock}. */
    private final List<XsConnection> connections = new ArrayList<>();
    /** Domains introduced and not yet released. Guarded by {@link #lock}. */
    private final NavigableSet<Integer> introduced = new TreeSet<>();
    /** The global generation count; every node write takes the next value. Guarded by {@link #lock}. */
    private long generation;

    /**
     * A store as dom0's toolstack finds it: {@code /} and {@code /tool} made by xenstored
     * ({@code setup_structure}), {@code /local} and {@code /local/domain} made by dom0's init
     * (xen-init-dom0); all owned by dom0 with perms {@code n0}. dom0 is introduced.
     */
    public Xenstored() {
        List<XsPermission> n0 = List.of(XsPermission.none(DomId.DOM0));
        // xenstored creates /tool first, so the root lists it before local (creation order).
        addInitial(new XsNode("/", "", n0, List.of("tool", "local"), 0));
        addInitial(new XsNode("/tool", "", n0, List.of(), 0));
        addInitial(new XsNode("/local", "", n0, List.of("domain"), 0));
        addInitial(new XsNode("/local/domain", "", n0, List.of(), 0));
        introduced.add(DomId.DOM0);
    }

    private void addInitial(XsNode node) {
        nodes.put(node.name(), node.withGeneration(++generation));
    }

    /** A new connection speaking for {@code domid}; dom0's is privileged, every other is not. */
    public XsConnection connect(int domid) {
        requireRealDomid(domid);
        XsConnection c = new XsConnection(this, domid);
        lock.lock();
        try {
            connections.add(c);
        } finally {
            lock.unlock();
        }
        return c;
    }

    /**
     * Tells xenstored a domain exists ({@code XS_INTRODUCE}). The first introduction fires
     * {@code @introduceDomain}; introducing an introduced domain (or dom0) changes nothing.
     */
    public void introduceDomain(int domid) {
        requireRealDomid(domid);
        Deliveries out = new Deliveries();
        lock.lock();
        try {
            introduceLocked(domid, out);
        } finally {
            lock.unlock();
        }
        out.deliver();
    }

    /**
     * A domain is gone ({@code XS_RELEASE}, or xenstored noticing its destruction): its connections
     * close (their watches first, so they hear nothing more, and their transactions), every node it
     * owns is deleted with its subtree (ordinary watch events fire), its domid is stripped from the
     * permission lists of the remaining nodes, and {@code @releaseDomain} fires if it had been
     * introduced. Its home {@code /local/domain/<domid>} is owned by dom0 and stays until the
     * toolstack removes it.
     *
     * @throws IllegalArgumentException for dom0, which xenstored never releases
     */
    public void releaseDomain(int domid) {
        requireRealDomid(domid);
        if (domid == DomId.DOM0) {
            throw new IllegalArgumentException("dom0 cannot be released from xenstored");
        }
        Deliveries out = new Deliveries();
        lock.lock();
        try {
            releaseLocked(domid, out);
        } finally {
            lock.unlock();
        }
        out.deliver();
    }

    /** {@code XS_IS_DOMAIN_INTRODUCED}: introduced and not yet released. */
    public boolean isDomainIntroduced(int domid) {
        lock.lock();
        try {
            return introduced.contains(domid);
        } finally {
            lock.unlock();
        }
    }

    /** Number of nodes in the store (the root included; special @ paths are not nodes here). */
    public int nodeCount() {
        lock.lock();
        try {
            return nodes.size();
        } finally {
            lock.unlock();
        }
    }

    /** Number of open connections. */
    public int connectionCount() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    private static void requireRealDomid(int domid) {
        if (!DomId.isReal(domid)) {
            throw new IllegalArgumentException("domid " + domid + " is not a real domain id (0..0x7FEF)");
        }
    }

    // ---------------------------------------------------------------- requests

    void close(XsConnection conn) {
        lock.lock();
        try {
            closeLocked(conn);
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked(XsConnection conn) {
        conn.markClosed();
        connections.remove(conn);
    }

    /**
     * Processes one request as {@code process_message} does: privileged-only types answer
     * {@code EACCES} to other domains, a tx_id that names no open transaction of this connection
     * answers {@code ENOENT} (WATCH and UNWATCH ignore it), and a reply too big for the wire becomes
     * {@code E2BIG} ({@code send_reply}). Watch events are delivered after the lock is released.
     */
    Result<XsReply> process(XsConnection conn, int txId, XsRequest request) {
        Deliveries out = new Deliveries();
        Result<XsReply> result;
        lock.lock();
        try {
            result = processLocked(conn, txId, request, out);
        } finally {
            lock.unlock();
        }
        out.deliver();
        return result;
    }

    private Result<XsReply> processLocked(XsConnection conn, int txId, XsRequest request, Deliveries out) {
        String what = XsWireLayout.typeName(request.type());
        if (conn.isClosed()) {
            return Result.err(Errno.ENOTCONN, what + ": the connection of dom" + conn.domid() + " is closed");
        }
        boolean privOnly = request instanceof XsRequest.Introduce || request instanceof XsRequest.Release
                || request instanceof XsRequest.IsDomainIntroduced;
        if (privOnly && !conn.privileged()) {
            return Result.err(Errno.EACCES, what + " is for dom0 only");
        }
        boolean noTid = request instanceof XsRequest.Watch || request instanceof XsRequest.Unwatch;
        XsTransaction tx = null;
        if (!noTid && txId != XsWireLayout.XBT_NULL) {
            tx = conn.transactions.get(txId);
            if (tx == null) {
                return Result.err(Errno.ENOENT, what + ": dom" + conn.domid() + " has no transaction "
                        + Integer.toUnsignedString(txId) + " on this connection");
            }
        }
        Op op = new Op(conn, tx, out);
        Result<XsReply> r = switch (request) {
            case XsRequest.Read q -> op.read(q.path());
            case XsRequest.Directory q -> op.directory(q.path());
            case XsRequest.GetPerms q -> op.getPerms(q.path());
            case XsRequest.Write q -> op.write(q.path(), q.value());
            case XsRequest.Mkdir q -> op.mkdir(q.path());
            case XsRequest.Rm q -> op.rm(q.path());
            case XsRequest.SetPerms q -> op.setPerms(q.path(), q.perms());
            case XsRequest.Watch q -> op.watch(q.path(), q.token());
            case XsRequest.Unwatch q -> op.unwatch(q.path(), q.token());
            case XsRequest.TransactionStart q -> op.transactionStart();
            case XsRequest.TransactionEnd q -> op.transactionEnd(q.commit());
            case XsRequest.GetDomainPath q -> Result.ok(new XsReply.DomainPath(XsPath.home(q.domid())));
            case XsRequest.IsDomainIntroduced q ->
                    Result.ok(new XsReply.DomainIntroduced(q.domid() == DomId.DOMID_SELF || introduced.contains(q.domid())));
            case XsRequest.Introduce q -> introduceRequest(q, out);
            case XsRequest.Release q -> releaseRequest(q, out);
            case XsRequest.ResetWatches q -> {
                conn.watches.clear();
                conn.transactions.clear();
                yield Result.ok(new XsReply.Ok());
            }
        };
        if (r instanceof Result.Ok<XsReply> ok && XsWireCodec.payloadLength(ok.value()) > XsWireLayout.XENSTORE_PAYLOAD_MAX) {
            return Result.err(Errno.E2BIG, what + " reply of " + XsWireCodec.payloadLength(ok.value())
                    + " bytes would exceed XENSTORE_PAYLOAD_MAX (" + XsWireLayout.XENSTORE_PAYLOAD_MAX + ")");
        }
        return r;
    }

    /** {@code do_introduce}: the event channel must be positive; the gfn is ignored. */
    private Result<XsReply> introduceRequest(XsRequest.Introduce q, Deliveries out) {
        if (q.port() <= 0) {
            return Result.err(Errno.EINVAL, "XS_INTRODUCE needs a positive event channel, got " + q.port());
        }
        if (!DomId.isReal(q.domid())) {
            return Result.err(Errno.EINVAL, "XS_INTRODUCE of domid " + q.domid() + ", which is not a real domain");
        }
        introduceLocked(q.domid(), out);
        return Result.ok(new XsReply.Ok());
    }

    /** {@code do_release}: not dom0 (EINVAL), and only an introduced domain (ENOENT). */
    private Result<XsReply> releaseRequest(XsRequest.Release q, Deliveries out) {
        if (q.domid() == DomId.DOM0) {
            return Result.err(Errno.EINVAL, "XS_RELEASE of dom0");
        }
        if (!introduced.contains(q.domid())) {
            return Result.err(Errno.ENOENT, "XS_RELEASE of dom" + q.domid() + ", which is not introduced");
        }
        releaseLocked(q.domid(), out);
        return Result.ok(new XsReply.Ok());
    }

    private void introduceLocked(int domid, Deliveries out) {
        if (introduced.add(domid)) {
            LOG.debug("dom{} introduced", domid);
            // introduce_domain: the master domain (dom0) never fires @introduceDomain.
            if (domid != DomId.DOM0) {
                fireWatches(XsPath.INTRODUCE_DOMAIN, true, null, null, out);
            }
        }
    }

    private void releaseLocked(int domid, Deliveries out) {
        // do_release drops the domain's watches before its connection, so its own teardown
        // fires nothing at it; closing ends its transactions too.
        for (XsConnection c : List.copyOf(connections)) {
            if (c.domid() == domid) {
                closeLocked(c);
            }
        }
        // domain_tree_remove: walk from the root, deleting each node the domain owns with its subtree.
        Op op = new Op(null, null, out);
        removeOwned(op, nodes.get(XsPath.ROOT), domid);
        stripPermissions(domid);
        boolean wasIntroduced = introduced.remove(domid);
        LOG.debug("dom{} released (introduced: {})", domid, wasIntroduced);
        // destroy_domain fires @releaseDomain only for a domain that had been introduced.
        if (wasIntroduced) {
            fireWatches(XsPath.RELEASE_DOMAIN, true, null, null, out);
        }
    }

    private void removeOwned(Op op, XsNode node, int domid) {
        // The root is never deleted (C would call that corruption), even if someone gave it away.
        if (!node.name().equals(XsPath.ROOT) && node.owner() == domid) {
            op.rmNode(node.name(), node);
            return;
        }
        for (String c : node.children()) {
            XsNode child = nodes.get(XsPath.child(node.name(), c));
            if (child != null) {
                removeOwned(op, child, domid);
            }
        }
    }

    /**
     * Removes a gone domain from every permission list, so a later domain that reuses the id does not
     * inherit its access. C xenstored does this lazily (entries of dead domains are ignored,
     * {@code domain_adjust_node_perms}) without touching generations; so this changes no generation
     * and fires no watch. Copies held by open transactions are stripped too.
     */
    private void stripPermissions(int domid) {
        nodes.replaceAll((path, n) -> stripped(n, domid));
        for (XsConnection c : connections) {
            for (XsTransaction t : c.transactions.values()) {
                for (Map.Entry<String, XsTransaction.Access> e : t.accessed()) {
                    if (e.getValue().node != null) {
                        e.getValue().node = stripped(e.getValue().node, domid);
                    }
                }
            }
        }
    }

    private static XsNode stripped(XsNode n, int domid) {
        List<XsPermission> perms = n.perms();
        boolean named = false;
        for (int i = 1; i < perms.size(); i++) {
            named |= perms.get(i).domid() == domid;
        }
        if (!named) {
            return n;
        }
        List<XsPermission> kept = new ArrayList<>(perms.size());
        kept.add(perms.getFirst());
        for (int i = 1; i < perms.size(); i++) {
            if (perms.get(i).domid() != domid) {
                kept.add(perms.get(i));
            }
        }
        return n.withPerms(kept);
    }

    // ---------------------------------------------------------------- permissions and watches

    /**
     * {@code perm_for_conn}: privileged callers and the owner get everything; a listed domain gets its
     * entry's access; anyone else gets the first entry's.
     */
    static int permFor(int domid, boolean privileged, List<XsPermission> perms) {
        if (privileged || perms.getFirst().domid() == domid) {
            return XS_PERM_ALL;
        }
        for (int i = 1; i < perms.size(); i++) {
            if (perms.get(i).domid() == domid) {
                return bits(perms.get(i).access());
            }
        }
        return bits(perms.getFirst().access());
    }

    private static int bits(XsPermission.Access a) {
        return (a.canRead() ? XS_PERM_READ : 0) | (a.canWrite() ? XS_PERM_WRITE : 0);
    }

    private static boolean canRead(XsConnection c, List<XsPermission> perms) {
        return (permFor(c.domid(), c.privileged(), perms) & XS_PERM_READ) != 0;
    }

    /**
     * {@code fire_watches}: every watch on the path (exact) or on it or an ancestor (not exact) gets an
     * event, if its connection may read the node. Events for a relative watch carry a relative path.
     *
     * @param node     the node as it was when changed (needed for a deleted node); null to look it up
     * @param oldPerms the permissions before a change (set-perms, a commit), or null
     */
    private void fireWatches(String path, boolean exact, XsNode node, List<XsPermission> oldPerms, Deliveries out) {
        for (XsConnection c : connections) {
            if (c.watches.isEmpty() || !watchPermitted(c, path, node, oldPerms)) {
                continue;
            }
            for (XsConnection.Watch w : c.watches) {
                boolean match = exact ? path.equals(w.node()) : XsPath.isChild(path, w.node());
                if (match) {
                    send(c, path.substring(w.prefixLen()), w.token(), out);
                }
            }
        }
    }

    /**
     * {@code watch_permitted}: the watcher could read the old permissions, or can read the node, or
     * its parent. Special paths are readable by every domain (XEN-ABI.md), so their events reach all
     * their watchers.
     */
    private boolean watchPermitted(XsConnection c, String path, XsNode node, List<XsPermission> oldPerms) {
        if (XsPath.isSpecial(path)) {
            return true;
        }
        if (oldPerms != null && canRead(c, oldPerms)) {
            return true;
        }
        XsNode n = node != null ? node : nodes.get(path);
        if (n == null) {
            return false;
        }
        if (canRead(c, n.perms())) {
            return true;
        }
        XsNode parent = nodes.get(XsPath.parent(n.name()));
        return parent != null && canRead(c, parent.perms());
    }

    /** {@code send_event}: an event whose payload would exceed the wire limit is dropped. */
    private static void send(XsConnection c, String path, String token, Deliveries out) {
        int len = XsNode.utf8Length(path) + 1 + XsNode.utf8Length(token) + 1;
        if (len > XsWireLayout.XENSTORE_PAYLOAD_MAX) {
            LOG.debug("dom{}: dropping watch event {} (token {}): {} bytes exceed the payload limit", c.domid(), path, token, len);
            return;
        }
        c.enqueue(new WatchEvent(path, token));
        out.add(c);
    }

    /** Connections that got events during one request; delivered once the lock is released. */
    private static final class Deliveries {
        private final Set<XsConnection> touched = new LinkedHashSet<>();

        void add(XsConnection c) {
            touched.add(c);
        }

        void deliver() {
            for (XsConnection c : touched) {
                c.deliver();
            }
        }
    }

    // ---------------------------------------------------------------- operations

    /**
     * One request's view of the store: the global tree, or a transaction's copy of it. Reads through
     * a transaction record what they saw; writes and deletes change only the copy and queue their
     * watch events until commit. A null connection is xenstored itself (privileged).
     */
    private final class Op {
        private final XsConnection conn;
        private final XsTransaction tx;
        private final Deliveries out;
        private final int domid;
        private final boolean privileged;

        Op(XsConnection conn, XsTransaction tx, Deliveries out) {
            this.conn = conn;
            this.tx = tx;
            this.out = out;
            this.domid = conn == null ? DomId.DOM0 : conn.domid();
            this.privileged = conn == null || conn.privileged();
        }

        // ---- node access (read_node, write_node, db_delete through access_node)

        private XsTransaction.Access access(String path) {
            XsTransaction.Access a = tx.access(path);
            return a != null ? a : tx.touch(path, nodes.get(path));
        }

        XsNode get(String path) {
            return tx == null ? nodes.get(path) : access(path).node;
        }

        void put(XsNode n) {
            if (tx == null) {
                nodes.put(n.name(), n.withGeneration(++generation));
            } else {
                XsTransaction.Access a = access(n.name());
                a.node = n;
                a.modified = true;
            }
        }

        void delete(String path) {
            if (tx == null) {
                nodes.remove(path);
            } else {
                XsTransaction.Access a = access(path);
                a.node = null;
                a.modified = true;
            }
        }

        void fire(String path, boolean exact, XsNode node, List<XsPermission> oldPerms) {
            if (tx != null) {
                tx.queueWatch(path, exact);
            } else {
                fireWatches(path, exact, node, oldPerms, out);
            }
        }

        int perm(XsNode n) {
            return permFor(domid, privileged, n.perms());
        }

        // ---- checks

        Result<String> canonical(String path, boolean allowSpecial) {
            return XsPath.canonicalize(domid, privileged, path, allowSpecial);
        }

        /**
         * {@code get_node} + {@code get_node_chk_perm}: the node if the caller has all of {@code perm}
         * on it. A failure does not reveal more than the caller may know: when the nearest existing
         * ancestor grants none of {@code perm}, a missing node is EACCES too.
         */
        Result<XsNode> getNode(String name, int perm) {
            XsNode n = get(name);
            if (n != null && (perm(n) & perm) == perm) {
                return Result.ok(n);
            }
            Errno e = errnoFromParents(name, n == null ? Errno.ENOENT : Errno.EACCES, perm);
            String detail = e == Errno.ENOENT
                    ? "no node " + name
                    : "dom" + domid + " has no " + permName(perm) + " access to " + name;
            return Result.err(e, detail);
        }

        /** {@code errno_from_parents} / {@code ask_parents}. */
        private Errno errnoFromParents(String name, Errno errnum, int perm) {
            String p = name;
            XsNode ancestor;
            do {
                p = XsPath.parent(p);
                ancestor = get(p);
            } while (ancestor == null && !p.equals(XsPath.ROOT));
            int parentPerm = ancestor == null ? 0 : perm(ancestor);
            return (parentPerm & perm) != 0 ? errnum : Errno.EACCES;
        }

        /** Unprivileged writers must keep every node they write within the node-size quota (ENOSPC). */
        Result<XsReply> checkSize(XsNode n) {
            if (!privileged && n.accountedSize() > QUOTA_NODE_SIZE) {
                return Result.err(Errno.ENOSPC, n.name() + " would take " + n.accountedSize()
                        + " bytes (header, permissions, value, child names), more than the node-size quota of "
                        + QUOTA_NODE_SIZE);
            }
            return Result.ok(new XsReply.Ok());
        }

        // ---- requests

        Result<XsReply> read(String path) {
            return withNode(path, XS_PERM_READ, n -> Result.ok(new XsReply.Value(n.value())));
        }

        Result<XsReply> directory(String path) {
            return withNode(path, XS_PERM_READ, n -> Result.ok(new XsReply.Children(n.children())));
        }

        Result<XsReply> getPerms(String path) {
            return withNode(path, XS_PERM_READ, n -> Result.ok(new XsReply.Perms(n.perms())));
        }

        private Result<XsReply> withNode(String path, int perm, Function<XsNode, Result<XsReply>> f) {
            Result<String> c = canonical(path, false);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            Result<XsNode> g = getNode(name, perm);
            return g instanceof Result.Ok<XsNode>(XsNode n) ? f.apply(n) : failed(g);
        }

        /** {@code do_write}: replaces the value, or creates the node and any missing parents. */
        Result<XsReply> write(String path, String value) {
            Result<String> c = canonical(path, false);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            Result<XsNode> g = getNode(name, XS_PERM_WRITE);
            XsNode written;
            if (g instanceof Result.Ok<XsNode>(XsNode n)) {
                written = n.withValue(value);
                Result<XsReply> size = checkSize(written);
                if (!size.isOk()) {
                    return size;
                }
                put(written);
            } else if (g.errno() == Errno.ENOENT) {
                Result<XsNode> created = createNode(name, value);
                if (!(created instanceof Result.Ok<XsNode>(XsNode n))) {
                    return failed(created);
                }
                written = n;
            } else {
                return failed(g);
            }
            fire(name, false, written, null);
            return Result.ok(new XsReply.Ok());
        }

        /** {@code do_mkdir}: an existing node is fine and fires nothing. */
        Result<XsReply> mkdir(String path) {
            Result<String> c = canonical(path, false);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            Result<XsNode> g = getNode(name, XS_PERM_WRITE);
            if (g.isOk()) {
                return Result.ok(new XsReply.Ok());
            }
            if (g.errno() != Errno.ENOENT) {
                return failed(g);
            }
            Result<XsNode> created = createNode(name, "");
            if (!(created instanceof Result.Ok<XsNode>(XsNode n))) {
                return failed(created);
            }
            fire(name, false, n, null);
            return Result.ok(new XsReply.Ok());
        }

        /**
         * {@code construct_node} + {@code create_node}: creates the node and its missing ancestors.
         * Each new node copies its parent's permission list, and an unprivileged creator becomes its
         * owner; the new ancestors get empty values. Every node written (the new ones and the existing
         * parent whose child list grows) must pass the size quota, or nothing is written.
         */
        private Result<XsNode> createNode(String name, String value) {
            List<String> missing = new ArrayList<>();
            String cur = name;
            XsNode parent;
            do {
                missing.add(cur);
                cur = XsPath.parent(cur);
                parent = get(cur);
            } while (parent == null && !cur.equals(XsPath.ROOT));
            if (parent == null) {
                throw new IllegalStateException("xenstored has no root node");
            }
            // Walk down, building each missing node under the previous one. written[0] is the
            // existing parent with its new child, then the new nodes from the top down.
            List<XsNode> written = new ArrayList<>(missing.size() + 1);
            written.add(parent.withChildAdded(XsPath.basename(missing.getLast())));
            List<XsPermission> perms = parent.perms();
            for (int i = missing.size() - 1; i >= 0; i--) {
                if (!privileged) {
                    List<XsPermission> owned = new ArrayList<>(perms);
                    owned.set(0, new XsPermission(owned.getFirst().access(), domid));
                    perms = owned;
                }
                List<String> children = i == 0 ? List.of() : List.of(XsPath.basename(missing.get(i - 1)));
                written.add(new XsNode(missing.get(i), i == 0 ? value : "", perms, children, XsTransaction.NO_GENERATION));
            }
            // create_node writes bottom-up: the new node, its new ancestors, then the existing parent.
            for (XsNode n : written.reversed()) {
                Result<XsReply> size = checkSize(n);
                if (!size.isOk()) {
                    return failed(size).map(r -> n);
                }
            }
            for (XsNode n : written.reversed()) {
                put(n);
            }
            return Result.ok(written.getLast());
        }

        /**
         * {@code do_rm}: needs write permission on the node itself. A missing node is fine when its
         * parent exists; the root cannot be removed (EINVAL).
         */
        Result<XsReply> rm(String path) {
            Result<String> c = canonical(path, false);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            Result<XsNode> g = getNode(name, XS_PERM_WRITE);
            if (!(g instanceof Result.Ok<XsNode>(XsNode node))) {
                if (g.errno() == Errno.ENOENT && get(XsPath.parent(name)) != null) {
                    return Result.ok(new XsReply.Ok());
                }
                return failed(g);
            }
            if (name.equals(XsPath.ROOT)) {
                return Result.err(Errno.EINVAL, "the root cannot be removed");
            }
            rmNode(name, node);
            return Result.ok(new XsReply.Ok());
        }

        /**
         * {@code rm_node}: deletes the subtree bottom-up, each descendant firing watches set exactly on
         * it and the removed root firing its own and its ancestors' watches; then unlinks it from
         * its parent. The parent write is exempt from quota.
         */
        void rmNode(String name, XsNode node) {
            XsNode parent = get(XsPath.parent(name));
            deleteSubtree(node, name);
            put(parent.withChildRemoved(XsPath.basename(name)));
        }

        private void deleteSubtree(XsNode node, String root) {
            for (String c : node.children()) {
                XsNode child = get(XsPath.child(node.name(), c));
                if (child != null) {
                    deleteSubtree(child, root);
                }
            }
            delete(node.name());
            fire(node.name(), !node.name().equals(root), node, null);
        }

        /**
         * {@code do_set_perms}: the caller must own the node (or be dom0); an unprivileged owner may
         * not hand the node to another owner (EPERM). Watchers that could read the old permissions
         * hear of the change too.
         */
        Result<XsReply> setPerms(String path, List<XsPermission> perms) {
            if (perms.isEmpty()) {
                return Result.err(Errno.EINVAL, "XS_SET_PERMS needs at least one permission (the owner)");
            }
            if (!privileged && perms.size() > QUOTA_NODE_PERMISSIONS) {
                return Result.err(Errno.ENOSPC, perms.size() + " permissions exceed the quota of " + QUOTA_NODE_PERMISSIONS);
            }
            Result<String> c = canonical(path, false);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            Result<XsNode> g = getNode(name, XS_PERM_WRITE | XS_PERM_OWNER);
            if (!(g instanceof Result.Ok<XsNode>(XsNode node))) {
                return failed(g);
            }
            if (!privileged && perms.getFirst().domid() != node.owner()) {
                return Result.err(Errno.EPERM, "dom" + domid + " may not change the owner of " + name
                        + " from dom" + node.owner() + " to dom" + perms.getFirst().domid());
            }
            XsNode changed = node.withPerms(perms);
            Result<XsReply> size = checkSize(changed);
            if (!size.isOk()) {
                return size;
            }
            put(changed);
            fire(name, false, changed, node.perms());
            return Result.ok(new XsReply.Ok());
        }

        /** {@code do_watch}: fires once at once, whatever the path's existence or permissions. */
        Result<XsReply> watch(String path, String token) {
            if (token.indexOf('\0') >= 0) {
                return Result.err(Errno.EINVAL, "a watch token cannot contain a NUL");
            }
            Result<String> c = canonical(path, true);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            for (XsConnection.Watch w : conn.watches) {
                if (w.node().equals(name) && w.token().equals(token)) {
                    return Result.err(Errno.EEXIST, "this connection already watches " + name + " with token " + token);
                }
            }
            if (!privileged && domainWatches(domid) > QUOTA_WATCHES) {
                return Result.err(Errno.E2BIG, "dom" + domid + " has more than " + QUOTA_WATCHES + " watches");
            }
            int prefixLen = XsPath.isRelative(path) ? XsPath.home(domid).length() + 1 : 0;
            XsConnection.Watch w = new XsConnection.Watch(name, token, prefixLen);
            conn.watches.add(w);
            send(conn, name.substring(prefixLen), token, out);
            return Result.ok(new XsReply.Ok());
        }

        /** {@code do_unwatch}: relative and absolute spellings of a path name the same watch. */
        Result<XsReply> unwatch(String path, String token) {
            if (token.indexOf('\0') >= 0) {
                return Result.err(Errno.EINVAL, "a watch token cannot contain a NUL");
            }
            Result<String> c = canonical(path, true);
            if (!(c instanceof Result.Ok<String>(String name))) {
                return failed(c);
            }
            for (int i = 0; i < conn.watches.size(); i++) {
                XsConnection.Watch w = conn.watches.get(i);
                if (w.node().equals(name) && w.token().equals(token)) {
                    conn.watches.remove(i);
                    return Result.ok(new XsReply.Ok());
                }
            }
            return Result.err(Errno.ENOENT, "this connection has no watch on " + name + " with token " + token);
        }

        /** {@code do_transaction_start}: ids are per connection, start at 1 and skip ids in use. */
        Result<XsReply> transactionStart() {
            if (tx != null) {
                return Result.err(Errno.EBUSY, "transactions do not nest");
            }
            if (!privileged && domainTransactions(domid) > QUOTA_TRANSACTIONS) {
                return Result.err(Errno.ENOSPC, "dom" + domid + " has more than " + QUOTA_TRANSACTIONS + " open transactions");
            }
            int id;
            do {
                id = conn.nextTransactionId++;
            } while (id == XsWireLayout.XBT_NULL || conn.transactions.containsKey(id));
            conn.transactions.put(id, new XsTransaction(id, conn));
            return Result.ok(new XsReply.TransactionStarted(id));
        }

        /**
         * {@code do_transaction_end}: the transaction ends whatever the outcome. A commit fails with
         * EAGAIN when any node it touched (read or written, or read as missing) has a different
         * generation now; otherwise its changes land and their watch events fire in first-access order.
         */
        Result<XsReply> transactionEnd(boolean commit) {
            if (tx == null) {
                return Result.err(Errno.ENOENT, "XS_TRANSACTION_END outside a transaction");
            }
            conn.transactions.remove(tx.id());
            if (!commit) {
                return Result.ok(new XsReply.Ok());
            }
            for (Map.Entry<String, XsTransaction.Access> e : tx.accessed()) {
                XsNode now = nodes.get(e.getKey());
                long gen = now == null ? XsTransaction.NO_GENERATION : now.generation();
                if (gen != e.getValue().generation) {
                    return Result.err(Errno.EAGAIN, e.getKey() + " changed while transaction "
                            + Integer.toUnsignedString(tx.id()) + " was open");
                }
            }
            for (Map.Entry<String, XsTransaction.Access> e : tx.accessed()) {
                XsTransaction.Access a = e.getValue();
                if (!a.modified) {
                    continue;
                }
                if (a.node != null) {
                    nodes.put(e.getKey(), a.node.withGeneration(++generation));
                } else if (a.generation != XsTransaction.NO_GENERATION) {
                    nodes.remove(e.getKey());
                }
                // finalize_transaction fires each entry's events right after writing it back.
                if (a.fireWatch) {
                    fireWatches(e.getKey(), a.watchExact, null, a.originalPerms, out);
                }
            }
            return Result.ok(new XsReply.Ok());
        }
    }

    private int domainWatches(int domid) {
        int n = 0;
        for (XsConnection c : connections) {
            if (c.domid() == domid) {
                n += c.watches.size();
            }
        }
        return n;
    }

    private int domainTransactions(int domid) {
        int n = 0;
        for (XsConnection c : connections) {
            if (c.domid() == domid) {
                n += c.transactions.size();
            }
        }
        return n;
    }

    private static String permName(int perm) {
        return switch (perm) {
            case XS_PERM_READ -> "read";
            case XS_PERM_WRITE -> "write";
            default -> "owner";
        };
    }

    private static <T> Result<XsReply> failed(Result<T> r) {
        Result.Err<T> err = (Result.Err<T>) r;
        return Result.err(err.errno(), err.detail());
    }
}
