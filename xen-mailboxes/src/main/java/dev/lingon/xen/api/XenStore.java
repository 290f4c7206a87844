package dev.lingon.xen.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * One domain's connection to xenstored ({@code docs/misc/xenstore.txt}, {@code io/xs_wire.h}).
 *
 * <p>Semantics, as C xenstored implements them:
 * <ul>
 *   <li>Paths are absolute ({@code /local/domain/5/data/x}) or relative to the caller's home
 *   {@code /local/domain/<domid>}. Special paths {@code @introduceDomain} and {@code @releaseDomain}
 *   can only be watched.</li>
 *   <li>Permissions: the first {@link XsPermission} of a node names its owner (full access) and the
 *   access of every unlisted domain; later entries grant listed domains. dom0 may do anything.
 *   Creating a node creates missing parents; each new node copies its parent's permission list and an
 *   unprivileged creator becomes the owner. A missing node under an unreadable ancestor answers
 *   {@code EACCES}, not {@code ENOENT}, so errors do not reveal existence. {@code rm} needs write
 *   permission on the node itself. Only dom0 changes a node's owner ({@code EPERM}); a non-owner
 *   setting permissions gets {@code EACCES}.</li>
 *   <li>Watches fire once at registration (even for a missing or unreadable path), then on every
 *   create, write, delete or permission change of the path or a descendant; they may fire spuriously.
 *   {@code rm} fires once per watched descendant that existed, bottom-up, then for the removed root.
 *   Events are delivered in order, never while the store's lock is held.</li>
 *   <li>Transactions: {@code transactionEnd(tx, true)} answers {@code EAGAIN} when a node the
 *   transaction read or wrote (a write counts as a read) changed meanwhile; unrelated writes do not
 *   conflict. Watch events of a committed transaction fire at commit, in first-access order.</li>
 *   <li>Limits: a request payload over 4096 bytes is refused for every domain ({@code E2BIG}, as
 *   libxenstore refuses it before sending; C xenstored would drop the connection). For unprivileged
 *   domains a node (header, permissions, value, child names) may not exceed 2048 bytes
 *   ({@code ENOSPC}) nor a path 2048 bytes after {@code /local/domain/<id>/} ({@code EINVAL});
 *   dom0 has neither of those two limits.</li>
 * </ul>
 * Thread-safe: any thread of the domain may call it.
 */
public interface XenStore extends AutoCloseable {

    /** Transaction id meaning "no transaction" ({@code XBT_NULL}). */
    int XBT_NULL = 0;

    /** The domain this connection speaks for; permission checks use it. */
    int domid();

    Result<String> read(int tx, String path);

    Result<Void> write(int tx, String path, String value);

    Result<Void> mkdir(int tx, String path);

    Result<Void> rm(int tx, String path);

    /** Child names in creation order (C xenstored's order). */
    Result<List<String>> directory(int tx, String path);

    Result<List<XsPermission>> getPermissions(int tx, String path);

    Result<Void> setPermissions(int tx, String path, List<XsPermission> perms);

    /** Registers a watch; it fires once at once. {@code EEXIST} if this connection already has the same path and token. */
    Result<Void> watch(String path, String token);

    /** {@code ENOENT} if this connection has no such watch. */
    Result<Void> unwatch(String path, String token);

    Result<Integer> transactionStart();

    /** Commits ({@code commit = true}) or aborts. Commit answers {@code EAGAIN} on a conflict; retry the whole transaction. */
    Result<Void> transactionEnd(int tx, boolean commit);

    /**
     * Where this connection's watch events go. Events queue until a listener is set; the listener is
     * called in event order, on whichever thread is delivering, and never under xenstored's lock, so it
     * may call back into the store. It must not block for long.
     */
    void onWatchEvent(Consumer<WatchEvent> listener);

    /** The next queued watch event, or {@code null}; for callers that poll instead of setting a listener. */
    WatchEvent pollWatchEvent();

    default Result<String> read(String path) {
        return read(XBT_NULL, path);
    }

    default Result<Void> write(String path, String value) {
        return write(XBT_NULL, path, value);
    }

    default Result<Void> mkdir(String path) {
        return mkdir(XBT_NULL, path);
    }

    default Result<Void> rm(String path) {
        return rm(XBT_NULL, path);
    }

    default Result<List<String>> directory(String path) {
        return directory(XBT_NULL, path);
    }

    default Result<List<XsPermission>> getPermissions(String path) {
        return getPermissions(XBT_NULL, path);
    }

    default Result<Void> setPermissions(String path, List<XsPermission> perms) {
        return setPermissions(XBT_NULL, path, perms);
    }

    /** Closes the connection: its watches and open transactions go away. */
    @Override
    void close();
}
