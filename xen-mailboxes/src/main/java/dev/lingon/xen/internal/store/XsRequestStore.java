package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.layout.XsWireLayout;

import java.util.List;
import java.util.Objects;

/**
 * The client side of a xenstored connection, as libxenstore is: each {@link XenStore} call becomes the
 * {@link XsRequest} a client sends, is refused with {@code E2BIG} when its payload would exceed
 * {@link XsWireLayout#XENSTORE_PAYLOAD_MAX} (libxenstore's {@code xs_talkv} check), and otherwise goes
 * to {@link #exchange}: straight to the daemon in this JVM ({@link XsConnection}) or over the hypercall
 * socket to dom0's (the process backend's remote store).
 */
public abstract class XsRequestStore implements XenStore {

    /** Has the daemon answer {@code request}, sent with {@code tx}; an {@code XS_ERROR} as an error result. */
    protected abstract Result<XsReply> exchange(int tx, XsRequest request);

    /** Throws if this connection may no longer be used; checked before anything else. By default: always usable. */
    protected void checkUsable() {
    }

    /** libxenstore's client-side check, then {@link #exchange}. */
    protected final Result<XsReply> send(int tx, XsRequest request) {
        checkUsable();
        int len = XsWireCodec.payloadLength(request);
        if (len > XsWireLayout.XENSTORE_PAYLOAD_MAX) {
            return Result.err(Errno.E2BIG, XsWireLayout.typeName(request.type()) + " payload of "
                    + len + " bytes exceeds XENSTORE_PAYLOAD_MAX (" + XsWireLayout.XENSTORE_PAYLOAD_MAX + ")");
        }
        return exchange(tx, request);
    }

    protected static Result<Void> done(Result<XsReply> r) {
        return switch (r) {
            case Result.Ok<XsReply> ok -> Result.ok();
            case Result.Err<XsReply> err -> Result.err(err.errno(), err.detail());
        };
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
        for (XsPermission p : perms) {
            Objects.requireNonNull(p, "perms contains null");
        }
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
}
