package dev.lingon.xen.remote;

import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.ShutdownReason;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import static dev.lingon.xen.remote.HypercallLayout.*;

/**
 * What a domain's process asks dom0 to do: one record per operation of {@link HypercallLayout}, in
 * the order of its tables. Immutable; {@link HypercallCodec} gives the bytes.
 */
public sealed interface Request {

    /** The operation number ({@code OP_*}). */
    int op();

    /** The operation and its arguments as an error message names them, e.g. {@code EVTCHNOP_send(port=3)}. */
    default String describe() {
        String s = toString();
        int open = s.indexOf('[');
        return opName(op()) + "(" + (open < 0 ? "" : s.substring(open + 1, s.length() - 1)) + ")";
    }

    // ---------------------------------------------------------------- handshake

    /** The first frame: the domain names itself and proves it with the token dom0 gave its process. */
    record Hello(int version, int domid, long generation, byte[] token) implements Request {
        public Hello {
            Objects.requireNonNull(token, "token");
            if (token.length != TOKEN_LENGTH) {
                throw new IllegalArgumentException("a launch token is " + TOKEN_LENGTH + " bytes, got " + token.length);
            }
            token = token.clone();
        }

        @Override
        public byte[] token() {
            return token.clone();
        }

        @Override
        public int op() {
            return OP_HELLO;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && h.version == version && h.domid == domid && h.generation == generation
                    && Arrays.equals(h.token, token);
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, domid, generation, Arrays.hashCode(token));
        }

        /** Never prints the token itself. */
        @Override
        public String toString() {
            return "Hello[version=" + version + ", domid=" + domid + ", generation=" + generation + ", token=<"
                    + TOKEN_LENGTH + " bytes>]";
        }
    }

    // ---------------------------------------------------------------- event channels

    record BindInterdomain(int remoteDom, int remotePort) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_bind_interdomain;
        }
    }

    record BindVirq(int virq, int vcpu) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_bind_virq;
        }
    }

    record Close(int port) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_close;
        }
    }

    record Send(int port) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_send;
        }
    }

    /** {@code dom} is {@code DOMID_SELF} for the caller's own port. */
    record Status(int dom, int port) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_status;
        }
    }

    record AllocUnbound(int dom, int remoteDom) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_alloc_unbound;
        }
    }

    record BindIpi(int vcpu) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_bind_ipi;
        }
    }

    record BindVcpu(int port, int vcpu) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_bind_vcpu;
        }
    }

    record Unmask(int port) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_unmask;
        }
    }

    record Reset(int dom) implements Request {
        @Override
        public int op() {
            return OP_EVTCHNOP_reset;
        }
    }

    // ---------------------------------------------------------------- grant table

    record MapGrantRef(int dom, int ref, boolean readonly) implements Request {
        @Override
        public int op() {
            return OP_GNTTABOP_map_grant_ref;
        }
    }

    record UnmapGrantRef(int handle) implements Request {
        @Override
        public int op() {
            return OP_GNTTABOP_unmap_grant_ref;
        }
    }

    record Copy(GntCopy copy) implements Request {
        public Copy {
            Objects.requireNonNull(copy, "copy");
        }

        @Override
        public int op() {
            return OP_GNTTABOP_copy;
        }
    }

    record QuerySize() implements Request {
        @Override
        public int op() {
            return OP_GNTTABOP_query_size;
        }
    }

    record GrantForeignAccess(int dom, int frame, boolean readonly) implements Request {
        @Override
        public int op() {
            return OP_GRANT_FOREIGN_ACCESS;
        }
    }

    record GrantForeignAccessRef(int ref, int dom, int frame, boolean readonly) implements Request {
        @Override
        public int op() {
            return OP_GRANT_FOREIGN_ACCESS_REF;
        }
    }

    /** {@link dev.lingon.xen.api.GrantTable#endAccess}: ends now or answers STILL_MAPPED. */
    record EndForeignAccessRef(int ref) implements Request {
        @Override
        public int op() {
            return OP_END_FOREIGN_ACCESS_REF;
        }
    }

    /** {@link dev.lingon.xen.api.GrantTable#endAccessDeferred}. */
    record EndForeignAccess(int ref) implements Request {
        @Override
        public int op() {
            return OP_END_FOREIGN_ACCESS;
        }
    }

    record RetryDeferred() implements Request {
        @Override
        public int op() {
            return OP_RETRY_DEFERRED;
        }
    }

    record DeferredCount() implements Request {
        @Override
        public int op() {
            return OP_DEFERRED_COUNT;
        }
    }

    record ActiveMappings() implements Request {
        @Override
        public int op() {
            return OP_ACTIVE_MAPPINGS;
        }
    }

    /**
     * Linux gntalloc's {@code UNMAP_NOTIFY_CLEAR_BYTE | UNMAP_NOTIFY_SEND_EVENT} on a page the domain
     * holds: a grant mapping ({@code viaHandle}: {@code handleOrFrame} is its handle) or one of its own
     * frames. {@code offset} is the byte within the page.
     */
    record SetUnmapNotify(boolean viaHandle, int handleOrFrame, int offset, int port) implements Request {
        @Override
        public int op() {
            return OP_SET_UNMAP_NOTIFY;
        }
    }

    record ClearUnmapNotify(int registration) implements Request {
        @Override
        public int op() {
            return OP_CLEAR_UNMAP_NOTIFY;
        }
    }

    // ---------------------------------------------------------------- memory

    record DecreaseReservation(int frame) implements Request {
        @Override
        public int op() {
            return OP_XENMEM_decrease_reservation;
        }
    }

    record CurrentReservation() implements Request {
        @Override
        public int op() {
            return OP_XENMEM_current_reservation;
        }
    }

    record PopulatePhysmap() implements Request {
        @Override
        public int op() {
            return OP_XENMEM_populate_physmap;
        }
    }

    record PageQuery(int frame) implements Request {
        @Override
        public int op() {
            return OP_PAGE_QUERY;
        }
    }

    /** Asks to raise the peer's end of interdomain {@code port} directly: the peer's event pages. */
    record MapPeerEvents(int port) implements Request {
        @Override
        public int op() {
            return OP_MAP_PEER_EVENTS;
        }
    }

    // ---------------------------------------------------------------- sched, domctl

    record Shutdown(ShutdownReason reason) implements Request {
        public Shutdown {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public int op() {
            return OP_SCHEDOP_shutdown;
        }
    }

    record GetDomainInfo() implements Request {
        @Override
        public int op() {
            return OP_XEN_DOMCTL_getdomaininfo;
        }
    }

    // ---------------------------------------------------------------- XenStore

    record XsOpen() implements Request {
        @Override
        public int op() {
            return OP_XS_OPEN;
        }
    }

    record XsClose(int conn) implements Request {
        @Override
        public int op() {
            return OP_XS_CLOSE;
        }
    }

    /** An xs_wire message (header and payload) for the domain's XenStore connection {@code conn}. */
    record XsMessage(int conn, byte[] message) implements Request {
        public XsMessage {
            Objects.requireNonNull(message, "message");
            message = message.clone();
        }

        @Override
        public byte[] message() {
            return message.clone();
        }

        /** The array itself, for the codec: callers must not change it. */
        byte[] messageNoCopy() {
            return message;
        }

        @Override
        public int op() {
            return OP_XS_MESSAGE;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof XsMessage m && m.conn == conn && Arrays.equals(m.message, message);
        }

        @Override
        public int hashCode() {
            return 31 * conn + Arrays.hashCode(message);
        }

        @Override
        public String toString() {
            return "XsMessage[conn=" + conn + ", message=" + (message.length <= 32
                    ? HexFormat.of().formatHex(message) : message.length + " bytes") + "]";
        }
    }
}
