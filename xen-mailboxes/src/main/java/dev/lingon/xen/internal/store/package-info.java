/**
 * The in-process xenstored: {@link dev.lingon.xen.internal.store.Xenstored} holds the tree and
 * serves {@link dev.lingon.xen.internal.store.XsConnection}s (one per client, speaking for one
 * domain), with C xenstored's semantics ({@code tools/xenstored/core.c}, {@code watch.c},
 * {@code transaction.c}, {@code domain.c}; {@code docs/misc/xenstore.txt}); the wire format is
 * {@link dev.lingon.xen.internal.store.XsWireCodec} over {@link dev.lingon.xen.layout.XsWireLayout}.
 *
 * <h2>Tree and paths</h2>
 * A new store holds {@code /} (children {@code tool}, {@code local}), {@code /tool}, {@code /local},
 * {@code /local/domain}, all owned by dom0 with perms {@code n0}. A path is absolute or relative to
 * the caller's home {@code /local/domain/<domid>}; it may use only {@code A-Z a-z 0-9 - / _ @}, may
 * not end in {@code /} (except the root) or contain {@code //}, else EINVAL. Paths starting with
 * {@code @} ({@code @introduceDomain}, {@code @releaseDomain}) can only be watched; any other use is
 * EINVAL. Every node has a value (possibly empty) and children listed in creation order.
 *
 * <h2>Permissions</h2>
 * The first entry of a node's list names its owner (full access) and the access of every unlisted
 * domain; later entries grant listed domains. dom0 may do anything. read, directory and
 * get-permissions need read access; write, mkdir and rm need write access to the node itself;
 * set-permissions needs ownership (EACCES otherwise), and an unprivileged owner may not name
 * another owner (EPERM). When the node is missing, or access is denied, the answer comes from the
 * nearest existing ancestor: if it grants none of the needed access, the answer is EACCES, so errors
 * never reveal whether a node exists. Writing a missing node creates it and its missing ancestors
 * (empty values); each copies its parent's whole permission list, and an unprivileged creator
 * becomes the owner. mkdir of an existing node changes nothing; rm of a missing node succeeds when its
 * parent exists (else ENOENT); rm of the root is EINVAL.
 *
 * <h2>Watches</h2>
 * A watch fires once at registration, with the path as given, whether or not the node exists or is
 * readable. Afterwards it fires for every write, creation, deletion or permission change of its path
 * or a descendant: a write fires one event, for the written path (not for ancestors it created); rm
 * fires one event per descendant that existed and is watched exactly, bottom-up, then one for the
 * removed node (reaching watches on it and its ancestors). A change is reported to a connection only
 * if it may read the node, or its parent, or (for a permission change or a commit) could read it
 * before; {@code @introduceDomain}/{@code @releaseDomain} reach every watcher. A relative watch gets
 * relative event paths. Events of one connection are delivered in the order the store changed, by
 * whichever thread is delivering, never under the store's lock. Events whose payload would exceed
 * 4096 bytes are dropped, as xenstored does. Like xenstored, the daemon may report a change that a
 * reader then finds undone: watchers re-read.
 *
 * <h2>Transactions</h2>
 * A transaction sees its own writes and, for every node it has not touched, the current tree; the
 * first touch copies the node in. Commit answers EAGAIN (and the transaction is gone) when any node
 * it touched (read, written, or found missing) changed meanwhile; a write counts as a read, and
 * creating a node touches (and changes) its parent. Unrelated writes do not conflict. On success the
 * changes land atomically and their watch events fire in first-access order. Abort discards
 * everything. Ids are per connection; an unknown id is ENOENT.
 *
 * <h2>Limits</h2>
 * The client refuses a request whose payload exceeds 4096 bytes with E2BIG before sending it (as
 * libxenstore does; a daemon receiving such a header drops the connection), and a reply over 4096
 * bytes (e.g. a huge directory) is E2BIG. For unprivileged domains only: a node's accounted size
 * (16-byte header, 8 bytes per permission, value bytes, child names with their NULs) may not exceed
 * 2048 bytes (ENOSPC); a path may not exceed 2048 characters after {@code /local/domain/<id>/}
 * (EINVAL); at most 5 permission entries (ENOSPC); a domain holding more than 128 watches gets E2BIG
 * and one holding more than 10 open transactions gets ENOSPC for the next.
 *
 * <h2>Domains</h2>
 * {@code introduceDomain} fires {@code @introduceDomain} once per domain. {@code releaseDomain}
 * closes the domain's connections (watches first), deletes every node it owns (with subtrees, firing
 * the usual events), strips its domid from all other permission lists, then fires
 * {@code @releaseDomain} if the domain had been introduced.
 */
package dev.lingon.xen.internal.store;
