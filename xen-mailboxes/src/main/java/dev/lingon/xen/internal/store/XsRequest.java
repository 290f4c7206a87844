package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.layout.XsWireLayout;

import java.util.List;
import java.util.Objects;

/**
 * A request a client sends to xenstored, one record per {@code XS_*} type Lingon's daemon serves
 * ({@code docs/misc/xenstore.txt}). Paths are as the client wrote them (absolute, relative to its home,
 * or {@code @special}); the daemon validates them. {@link XsWireCodec} turns these into payload bytes
 * and back. Immutable.
 */
public sealed interface XsRequest {

    /** The {@code XS_*} number of this request type ({@link XsWireLayout}). */
    int type();

    /** {@code DIRECTORY <path>|}. */
    record Directory(String path) implements XsRequest {
        public Directory {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_DIRECTORY;
        }
    }

    /** {@code READ <path>|}. */
    record Read(String path) implements XsRequest {
        public Read {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_READ;
        }
    }

    /** {@code GET_PERMS <path>|}. */
    record GetPerms(String path) implements XsRequest {
        public GetPerms {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_GET_PERMS;
        }
    }

    /** {@code WATCH <wpath>|<token>|}; the tx_id is ignored. */
    record Watch(String path, String token) implements XsRequest {
        public Watch {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_WATCH;
        }
    }

    /** {@code UNWATCH <wpath>|<token>|}; the tx_id is ignored. */
    record Unwatch(String path, String token) implements XsRequest {
        public Unwatch {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(token, "token");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_UNWATCH;
        }
    }

    /** {@code TRANSACTION_START |}: libxenstore sends one empty string. */
    record TransactionStart() implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_TRANSACTION_START;
        }
    }

    /** {@code TRANSACTION_END T|} (commit) or {@code F|} (abort); tx_id names the transaction. */
    record TransactionEnd(boolean commit) implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_TRANSACTION_END;
        }
    }

    /** {@code INTRODUCE <domid>|<gfn>|<evtchn>|}: dom0 only. xenstored ignores the gfn. */
    record Introduce(int domid, long gfn, int port) implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_INTRODUCE;
        }
    }

    /** {@code RELEASE <domid>|}: dom0 only. */
    record Release(int domid) implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_RELEASE;
        }
    }

    /** {@code GET_DOMAIN_PATH <domid>|}. */
    record GetDomainPath(int domid) implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_GET_DOMAIN_PATH;
        }
    }

    /** {@code WRITE <path>|<value|>}: the value is the rest of the payload, not NUL-terminated. */
    record Write(String path, String value) implements XsRequest {
        public Write {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_WRITE;
        }
    }

    /** {@code MKDIR <path>|}. */
    record Mkdir(String path) implements XsRequest {
        public Mkdir {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_MKDIR;
        }
    }

    /** {@code RM <path>|}. */
    record Rm(String path) implements XsRequest {
        public Rm {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public int type() {
            return XsWireLayout.XS_RM;
        }
    }

    /** {@code SET_PERMS <path>|<perm-as-string>|+}. */
    record SetPerms(String path, List<XsPermission> perms) implements XsRequest {
        public SetPerms {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(perms, "perms");
            perms = List.copyOf(perms);
        }

        @Override
        public int type() {
            return XsWireLayout.XS_SET_PERMS;
        }
    }

    /** {@code IS_DOMAIN_INTRODUCED <domid>|}: dom0 only. */
    record IsDomainIntroduced(int domid) implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_IS_DOMAIN_INTRODUCED;
        }
    }

    /** {@code RESET_WATCHES |}: drops all watches and transactions of the connection. */
    record ResetWatches() implements XsRequest {
        @Override
        public int type() {
            return XsWireLayout.XS_RESET_WATCHES;
        }
    }
}
