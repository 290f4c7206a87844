package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.ShutdownReason;

import java.util.Arrays;
import java.util.Objects;

import static dev.lingon.xen.remote.HypercallLayout.*;

/**
 * What dom0 sends a domain's process: the answer to a {@link Request}, or a push. One record per reply
 * kind of {@link HypercallLayout}. Immutable; {@link HypercallCodec} gives the bytes.
 */
public sealed interface Reply {

    /** The reply kind ({@code REPLY_*}). */
    int kind();

    /** dom0 accepts the domain: what the domain's process needs to map its own pages. */
    record Welcome(int version, int domid, int vcpus, int maxPages, int maxGrantFrames, DomainState state,
                   String name, String file) implements Reply {
        public Welcome {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(file, "file");
        }

        @Override
        public int kind() {
            return REPLY_WELCOME;
        }
    }

    /** dom0 refuses the hello; the connection closes after this. */
    record Refused(Errno errno, String reason) implements Reply {
        public Refused {
            Objects.requireNonNull(errno, "errno");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public int kind() {
            return REPLY_REFUSED;
        }
    }

    /** A hypercall's return code: {@link Errno#OK} or the failure, with dom0's explanation (possibly empty). */
    record Rc(Errno errno, String detail) implements Reply {
        public Rc {
            Objects.requireNonNull(errno, "errno");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public int kind() {
            return REPLY_RC;
        }
    }

    /** A return code and, when it is {@link Errno#OK}, a value (a port, a ref, a frame, a count). */
    record Value(Errno errno, long value, String detail) implements Reply {
        public Value {
            Objects.requireNonNull(errno, "errno");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public int kind() {
            return REPLY_VALUE;
        }
    }

    record PortStatus(EvtchnStatus status) implements Reply {
        public PortStatus {
            Objects.requireNonNull(status, "status");
        }

        @Override
        public int kind() {
            return REPLY_EVTCHN_STATUS;
        }
    }

    record Gnt(GntStatus status) implements Reply {
        public Gnt {
            Objects.requireNonNull(status, "status");
        }

        @Override
        public int kind() {
            return REPLY_GNTST;
        }
    }

    /** A grant mapped: the page is the 4096 bytes at {@code offset} of the granter's file {@code file}. */
    record Mapped(int handle, long offset, boolean readonly, String file) implements Reply {
        public Mapped {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public int kind() {
            return REPLY_MAPPED;
        }
    }

    record QuerySize(int nrFrames, int maxFrames) implements Reply {
        @Override
        public int kind() {
            return REPLY_QUERY_SIZE;
        }
    }

    /** The domain's state and name; {@code reason} is null unless it shut down or crashed. Also pushed on every change. */
    record DomainInfo(DomainState state, ShutdownReason reason, String name) implements Reply {
        public DomainInfo {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(name, "name");
        }

        @Override
        public int kind() {
            return REPLY_DOMAIN_INFO;
        }
    }

    /** An xs_wire message from xenstored for connection {@code conn}: a reply, or (pushed) a watch event. */
    record XsMessage(int conn, byte[] message) implements Reply {
        public XsMessage {
            Objects.requireNonNull(message, "message");
            message = message.clone();
        }

        @Override
        public byte[] message() {
            return message.clone();
        }

        byte[] messageNoCopy() {
            return message;
        }

        @Override
        public int kind() {
            return REPLY_XS_MESSAGE;
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
            return "XsMessage[conn=" + conn + ", " + message.length + " bytes]";
        }
    }

    /**
     * The call was a misuse of the API, as dom0's hypervisor judged it (it threw
     * {@link IllegalArgumentException}, or {@link IllegalStateException} when {@code illegalState}); the
     * domain's process throws the same.
     */
    record Misuse(boolean illegalState, String message) implements Reply {
        public Misuse {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int kind() {
            return REPLY_MISUSE;
        }
    }

    /** dom0 could not carry the call out, through no fault of the domain's; dom0 logged why. */
    record Failed(String message) implements Reply {
        public Failed {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int kind() {
            return REPLY_FAILED;
        }
    }

    /** The domain sent a malformed frame; dom0 closes the connection after this push. */
    record ProtocolError(String message) implements Reply {
        public ProtocolError {
            Objects.requireNonNull(message, "message");
        }

        @Override
        public int kind() {
            return REPLY_PROTOCOL_ERROR;
        }
    }

    /** The file of the peer of an interdomain port, whose event pages the caller may now map. */
    record PeerFile(int domid, long generation, int vcpus, String file) implements Reply {
        public PeerFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public int kind() {
            return REPLY_PEER_FILE;
        }
    }
}
