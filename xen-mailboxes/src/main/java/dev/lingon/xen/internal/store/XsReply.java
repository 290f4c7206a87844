package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XsPermission;

import java.util.List;
import java.util.Objects;

/**
 * What xenstored sends back: the reply to a request (carrying the request's type, or
 * {@code XS_ERROR}) or an unsolicited {@code XS_WATCH_EVENT}. Payload formats follow
 * {@code docs/misc/xenstore.txt}; {@link XsWireCodec} encodes and decodes them. Immutable.
 */
public sealed interface XsReply {

    /** {@code OK|}: the acknowledgement of WRITE, MKDIR, RM, SET_PERMS, WATCH, UNWATCH, TRANSACTION_END, INTRODUCE, RELEASE, RESET_WATCHES. */
    record Ok() implements XsReply {
    }

    /** The reply to READ: {@code <value|>}, the raw bytes without a terminating NUL. */
    record Value(String value) implements XsReply {
        public Value {
            Objects.requireNonNull(value, "value");
        }
    }

    /** The reply to DIRECTORY: {@code <child-leaf-name>|*}, in creation order. */
    record Children(List<String> names) implements XsReply {
        public Children {
            names = List.copyOf(names);
        }
    }

    /** The reply to GET_PERMS: {@code <perm-as-string>|+}; the first names the owner. */
    record Perms(List<XsPermission> perms) implements XsReply {
        public Perms {
            perms = List.copyOf(perms);
        }
    }

    /** The reply to TRANSACTION_START: {@code <transid>|}, an unsigned decimal u32. */
    record TransactionStarted(int txId) implements XsReply {
    }

    /** The reply to GET_DOMAIN_PATH: {@code <path>|}. */
    record DomainPath(String path) implements XsReply {
        public DomainPath {
            Objects.requireNonNull(path, "path");
        }
    }

    /** The reply to IS_DOMAIN_INTRODUCED: {@code T|} or {@code F|}. */
    record DomainIntroduced(boolean introduced) implements XsReply {
    }

    /** {@code XS_ERROR E<name>|}: the errno's name is sent, not its number. */
    record Error(Errno errno) implements XsReply {
        public Error {
            Objects.requireNonNull(errno, "errno");
            if (errno == Errno.OK) {
                throw new IllegalArgumentException("an XS_ERROR reply needs a failing errno, not OK");
            }
        }
    }

    /** {@code XS_WATCH_EVENT <epath>|<token>|}, sent with req_id and tx_id 0. */
    record Event(String path, String token) implements XsReply {
        public Event {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(token, "token");
        }
    }
}
