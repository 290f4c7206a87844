package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.XsPermission;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One open transaction: the nodes it has touched, in first-access order, each with the version it
 * first saw and its own current version ({@code tools/xenstored/transaction.c}: {@code struct
 * accessed_node}). Reads of an untouched node copy it in, so the transaction keeps seeing what it saw
 * first; writes and deletes change only the copy. At commit every touched node's generation is
 * compared with the store's (a write always reads first, so it counts as a read); then the modified
 * nodes are written back and their queued watch events fire, in first-access order.
 *
 * <p>Owned by its {@link XsConnection}; read and changed only under {@link Xenstored}'s lock.
 */
final class XsTransaction {
    /** Generation of a node that did not exist ({@code NO_GENERATION}). */
    static final long NO_GENERATION = -1;

    /** One touched node. */
    static final class Access {
        /** The store's generation when first touched, or {@link #NO_GENERATION} if missing then. */
        final long generation;
        /** Permissions when first touched (null if missing then); a watcher who could read them hears of the change. */
        final List<XsPermission> originalPerms;
        /** This transaction's version; null when missing or deleted. */
        XsNode node;
        boolean modified;
        boolean fireWatch;
        boolean watchExact;

        Access(XsNode first) {
            this.generation = first == null ? NO_GENERATION : first.generation();
            this.originalPerms = first == null ? null : first.perms();
            this.node = first;
        }
    }

    private final int id;
    private final XsConnection conn;
    private final Map<String, Access> accessed = new LinkedHashMap<>();

    XsTransaction(int id, XsConnection conn) {
        this.id = id;
        this.conn = conn;
    }

    int id() {
        return id;
    }

    XsConnection connection() {
        return conn;
    }

    /** The access record of a path, or null when this transaction has not touched it. */
    Access access(String path) {
        return accessed.get(path);
    }

    /** Records the first touch of a path with the store's node at that moment (null if missing). */
    Access touch(String path, XsNode current) {
        Access a = new Access(current);
        accessed.put(path, a);
        return a;
    }

    /** Every touched node in first-access order. */
    Collection<Map.Entry<String, Access>> accessed() {
        return accessed.entrySet();
    }

    /**
     * Queues a watch event for a node this transaction changed ({@code queue_watches}): a non-exact
     * event (ancestors' watches match too) replaces an exact one, never the other way round.
     */
    void queueWatch(String path, boolean exact) {
        Access a = accessed.get(path);
        if (a == null) {
            throw new IllegalStateException("transaction " + id + " queued a watch for " + path + ", which it never touched");
        }
        if (!a.fireWatch) {
            a.fireWatch = true;
            a.watchExact = exact;
        } else if (!exact) {
            a.watchExact = false;
        }
    }
}
