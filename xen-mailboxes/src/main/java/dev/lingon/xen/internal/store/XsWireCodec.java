package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.layout.XsWireLayout;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import static dev.lingon.xen.layout.XsWireLayout.HEADER_LENGTH;
import static dev.lingon.xen.layout.XsWireLayout.XENSTORE_PAYLOAD_MAX;

/**
 * Encodes and decodes XenStore wire messages: the {@link XsWireLayout} header plus the payload
 * formats of {@code docs/misc/xenstore.txt}. Strings are UTF-8; most are NUL-terminated, a WRITE
 * value and a READ reply are raw bytes. Stateless; any thread.
 *
 * <p>Decoding never throws on bad input. {@link #decodeFrame} leaves the buffer untouched until a
 * whole frame is there ({@link Decoded.NeedMore}), so bytes that arrive in pieces are not lost; a
 * header announcing more than {@link XsWireLayout#XENSTORE_PAYLOAD_MAX} bytes is
 * {@link Decoded.Malformed} and leaves the stream unusable (xenstored drops such a connection).
 * {@link #decodeRequest} answers what xenstored would: {@code EINVAL} for a payload that does not
 * have the type's shape, {@code ENOSYS} for a type it does not serve. {@link #decodeReply} answers
 * {@code EIO} for a reply that does not parse, as a client library has nothing better to report.
 *
 * <p>Encoding rejects, as misuse, what the format cannot carry: a NUL inside a NUL-terminated string
 * or a payload over {@link XsWireLayout#XENSTORE_PAYLOAD_MAX}.
 */
public final class XsWireCodec {

    /**
     * The errno names C xenstored sends ({@code xsd_errors} in xs_wire.h). C's {@code send_error}
     * turns any other errno into {@code EINVAL}; Lingon sends every {@link Errno} by name, so the
     * {@code EPERM} of SET_PERMS (and a client-side {@code ENOTCONN}) survive a round trip.
     */
    public static final List<String> XSD_ERRORS = List.of(
            "EINVAL", "EACCES", "EEXIST", "EISDIR", "ENOENT", "ENOMEM", "ENOSPC", "EIO",
            "ENOTEMPTY", "ENOSYS", "EROFS", "EBUSY", "EAGAIN", "EISCONN", "E2BIG");

    private static final byte NUL = 0;
    private static final String ACK = "OK";

    private XsWireCodec() {
    }

    /** One message: header fields and payload bytes. The payload array is copied in and out. */
    public record Frame(int type, int reqId, int txId, byte[] payload) {
        public Frame {
            Objects.requireNonNull(payload, "payload");
            payload = payload.clone();
        }

        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** Payload length, the header's {@code len}. */
        public int length() {
            return payload.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.type == type && f.reqId == reqId && f.txId == txId
                    && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, reqId, txId, Arrays.hashCode(payload));
        }

        @Override
        public String toString() {
            return "Frame[" + XsWireLayout.typeName(type) + " req_id=" + Integer.toUnsignedString(reqId)
                    + " tx_id=" + Integer.toUnsignedString(txId) + " len=" + payload.length + "]";
        }
    }

    /** Outcome of reading one frame from a byte stream. */
    public sealed interface Decoded {
        /** A whole frame; the buffer's position moved past it. */
        record Complete(Frame frame) implements Decoded {
        }

        /** Not enough bytes yet; the buffer is untouched. At least {@code missing} more are needed. */
        record NeedMore(int missing) implements Decoded {
        }

        /** The header is impossible; the buffer is untouched and the stream cannot be resynchronised. */
        record Malformed(String reason) implements Decoded {
        }
    }

    // ---------------------------------------------------------------- frames

    /** Header and payload as one array. */
    public static byte[] encodeFrame(Frame frame) {
        Objects.requireNonNull(frame, "frame");
        byte[] payload = frame.payload;
        checkPayload(frame.type, payload.length);
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(XsWireLayout.TYPE_OFFSET, frame.type);
        b.putInt(XsWireLayout.REQ_ID_OFFSET, frame.reqId);
        b.putInt(XsWireLayout.TX_ID_OFFSET, frame.txId);
        b.putInt(XsWireLayout.LEN_OFFSET, payload.length);
        b.put(XsWireLayout.PAYLOAD_OFFSET, payload);
        return b.array();
    }

    /** Reads one frame at the buffer's position; see {@link Decoded} for what happens to the buffer. */
    public static Decoded decodeFrame(ByteBuffer in) {
        Objects.requireNonNull(in, "in");
        int avail = in.remaining();
        if (avail < HEADER_LENGTH) {
            return new Decoded.NeedMore(HEADER_LENGTH - avail);
        }
        ByteBuffer le = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = in.position();
        int type = le.getInt(base + XsWireLayout.TYPE_OFFSET);
        int reqId = le.getInt(base + XsWireLayout.REQ_ID_OFFSET);
        int txId = le.getInt(base + XsWireLayout.TX_ID_OFFSET);
        long len = Integer.toUnsignedLong(le.getInt(base + XsWireLayout.LEN_OFFSET));
        if (len > XENSTORE_PAYLOAD_MAX) {
            return new Decoded.Malformed("header of " + XsWireLayout.typeName(type) + " announces a payload of "
                    + len + " bytes, more than XENSTORE_PAYLOAD_MAX (" + XENSTORE_PAYLOAD_MAX
                    + "); xenstored drops a connection that sends this");
        }
        if (avail < HEADER_LENGTH + len) {
            return new Decoded.NeedMore((int) (HEADER_LENGTH + len - avail));
        }
        byte[] payload = new byte[(int) len];
        le.get(base + XsWireLayout.PAYLOAD_OFFSET, payload);
        in.position(base + HEADER_LENGTH + (int) len);
        return new Decoded.Complete(new Frame(type, reqId, txId, payload));
    }

    private static void checkPayload(int type, int length) {
        if (length > XENSTORE_PAYLOAD_MAX) {
            throw new IllegalArgumentException(XsWireLayout.typeName(type) + " payload of " + length
                    + " bytes exceeds XENSTORE_PAYLOAD_MAX (" + XENSTORE_PAYLOAD_MAX + ")");
        }
    }

    // ---------------------------------------------------------------- requests

    /** The request as a frame's bytes. */
    public static byte[] encodeRequest(int reqId, int txId, XsRequest request) {
        return encodeFrame(new Frame(request.type(), reqId, txId, encodePayload(request)));
    }

    /**
     * The payload length libxenstore would send for this request, computed without encoding it; the
     * client refuses anything over {@link XsWireLayout#XENSTORE_PAYLOAD_MAX} with {@code E2BIG}.
     */
    public static int payloadLength(XsRequest request) {
        Objects.requireNonNull(request, "request");
        return switch (request) {
            case XsRequest.Directory r -> str(r.path());
            case XsRequest.Read r -> str(r.path());
            case XsRequest.GetPerms r -> str(r.path());
            case XsRequest.Mkdir r -> str(r.path());
            case XsRequest.Rm r -> str(r.path());
            case XsRequest.Watch r -> str(r.path()) + str(r.token());
            case XsRequest.Unwatch r -> str(r.path()) + str(r.token());
            case XsRequest.TransactionStart r -> str("");
            case XsRequest.TransactionEnd r -> str(r.commit() ? "T" : "F");
            case XsRequest.Introduce r -> str(Integer.toString(r.domid())) + str(Long.toString(r.gfn()))
                    + str(Integer.toString(r.port()));
            case XsRequest.Release r -> str(Integer.toString(r.domid()));
            case XsRequest.GetDomainPath r -> str(Integer.toString(r.domid()));
            case XsRequest.IsDomainIntroduced r -> str(Integer.toString(r.domid()));
            case XsRequest.Write r -> str(r.path()) + XsNode.utf8Length(r.value());
            case XsRequest.SetPerms r -> {
                int len = str(r.path());
                for (XsPermission p : r.perms()) {
                    len += str(p.wire());
                }
                yield len;
            }
            case XsRequest.ResetWatches r -> str("");
        };
    }

    /** The request's payload bytes. */
    public static byte[] encodePayload(XsRequest request) {
        Objects.requireNonNull(request, "request");
        PayloadWriter w = new PayloadWriter();
        switch (request) {
            case XsRequest.Directory r -> w.string(r.path());
            case XsRequest.Read r -> w.string(r.path());
            case XsRequest.GetPerms r -> w.string(r.path());
            case XsRequest.Mkdir r -> w.string(r.path());
            case XsRequest.Rm r -> w.string(r.path());
            case XsRequest.Watch r -> w.string(r.path()).string(r.token());
            case XsRequest.Unwatch r -> w.string(r.path()).string(r.token());
            case XsRequest.TransactionStart r -> w.string("");
            case XsRequest.TransactionEnd r -> w.string(r.commit() ? "T" : "F");
            case XsRequest.Introduce r -> w.string(Integer.toString(r.domid())).string(Long.toString(r.gfn()))
                    .string(Integer.toString(r.port()));
            case XsRequest.Release r -> w.string(Integer.toString(r.domid()));
            case XsRequest.GetDomainPath r -> w.string(Integer.toString(r.domid()));
            case XsRequest.IsDomainIntroduced r -> w.string(Integer.toString(r.domid()));
            case XsRequest.Write r -> w.string(r.path()).raw(r.value());
            case XsRequest.SetPerms r -> {
                w.string(r.path());
                for (XsPermission p : r.perms()) {
                    w.string(p.wire());
                }
            }
            case XsRequest.ResetWatches r -> w.string("");
        }
        return w.toByteArray();
    }

    /**
     * The request a frame carries, parsed as C xenstored parses it (core.c {@code onearg},
     * {@code get_strings}; domain.c {@code do_introduce}). {@code EINVAL} when the payload does not
     * have the type's shape, {@code ENOSYS} for a type Lingon's daemon does not serve.
     */
    public static Result<XsRequest> decodeRequest(Frame frame) {
        Objects.requireNonNull(frame, "frame");
        byte[] p = frame.payload;
        String what = XsWireLayout.typeName(frame.type);
        return switch (frame.type) {
            case XsWireLayout.XS_DIRECTORY -> oneArg(p, what).map(XsRequest.Directory::new);
            case XsWireLayout.XS_READ -> oneArg(p, what).map(XsRequest.Read::new);
            case XsWireLayout.XS_GET_PERMS -> oneArg(p, what).map(XsRequest.GetPerms::new);
            case XsWireLayout.XS_MKDIR -> oneArg(p, what).map(XsRequest.Mkdir::new);
            case XsWireLayout.XS_RM -> oneArg(p, what).map(XsRequest.Rm::new);
            case XsWireLayout.XS_WATCH, XsWireLayout.XS_UNWATCH -> {
                Strings s = Strings.split(p);
                // do_watch/do_unwatch: get_strings() must find exactly two strings; bytes after the
                // last NUL are not a string and are ignored.
                if (s.list.size() != 2) {
                    yield Result.err(Errno.EINVAL, what + " needs <path>|<token>|, got " + s.list.size() + " strings");
                }
                yield Result.ok(frame.type == XsWireLayout.XS_WATCH
                        ? new XsRequest.Watch(s.list.get(0), s.list.get(1))
                        : new XsRequest.Unwatch(s.list.get(0), s.list.get(1)));
            }
            // do_transaction_start and do_reset_watches do not look at the payload.
            case XsWireLayout.XS_TRANSACTION_START -> Result.ok(new XsRequest.TransactionStart());
            case XsWireLayout.XS_RESET_WATCHES -> Result.ok(new XsRequest.ResetWatches());
            case XsWireLayout.XS_TRANSACTION_END -> bind(oneArg(p, what), arg -> switch (arg) {
                case "T" -> Result.ok(new XsRequest.TransactionEnd(true));
                case "F" -> Result.ok(new XsRequest.TransactionEnd(false));
                default -> Result.err(Errno.EINVAL, what + " needs T| or F|, got '" + XsPath.printable(arg) + "'");
            });
            case XsWireLayout.XS_INTRODUCE -> {
                Strings s = Strings.split(p);
                if (s.list.size() < 3) {
                    yield Result.err(Errno.EINVAL, what + " needs <domid>|<gfn>|<evtchn>|, got " + s.list.size() + " strings");
                }
                Integer domid = parseDomid(s.list.get(0));
                Long gfn = parseLong(s.list.get(1));
                Integer port = parseUnsigned(s.list.get(2));
                if (domid == null || gfn == null || port == null) {
                    yield Result.err(Errno.EINVAL, what + " has a non-numeric domid, gfn or event channel");
                }
                yield Result.ok(new XsRequest.Introduce(domid, gfn, port));
            }
            case XsWireLayout.XS_RELEASE -> domidArg(p, what).map(XsRequest.Release::new);
            case XsWireLayout.XS_GET_DOMAIN_PATH -> domidArg(p, what).map(XsRequest.GetDomainPath::new);
            case XsWireLayout.XS_IS_DOMAIN_INTRODUCED -> domidArg(p, what).map(XsRequest.IsDomainIntroduced::new);
            case XsWireLayout.XS_WRITE -> {
                int nul = indexOfNul(p, 0);
                if (nul < 0) {
                    yield Result.err(Errno.EINVAL, what + " needs <path>|<value>, found no NUL");
                }
                yield Result.ok(new XsRequest.Write(utf8(p, 0, nul), utf8(p, nul + 1, p.length - nul - 1)));
            }
            case XsWireLayout.XS_SET_PERMS -> {
                Strings s = Strings.split(p);
                if (s.list.size() < 2) {
                    yield Result.err(Errno.EINVAL, what + " needs <path>|<perm>|+, got " + s.list.size() + " strings");
                }
                List<XsPermission> perms = new ArrayList<>(s.list.size() - 1);
                for (String w : s.list.subList(1, s.list.size())) {
                    XsPermission perm = parsePermission(w);
                    if (perm == null) {
                        yield Result.err(Errno.EINVAL, what + " has an invalid permission '" + XsPath.printable(w) + "'");
                    }
                    perms.add(perm);
                }
                yield Result.ok(new XsRequest.SetPerms(s.list.getFirst(), perms));
            }
            case XsWireLayout.XS_CONTROL, XsWireLayout.XS_RESUME, XsWireLayout.XS_SET_TARGET,
                 XsWireLayout.XS_DIRECTORY_PART, XsWireLayout.XS_GET_FEATURE, XsWireLayout.XS_SET_FEATURE,
                 XsWireLayout.XS_GET_QUOTA, XsWireLayout.XS_SET_QUOTA ->
                    Result.err(Errno.ENOSYS, what + " is not served by Lingon's xenstored");
            default -> Result.err(Errno.ENOSYS, what + " is not a request type");
        };
    }

    // ---------------------------------------------------------------- replies

    /** A reply to a request of {@code requestType} as a frame's bytes; {@link XsReply.Error} becomes XS_ERROR. */
    public static byte[] encodeReply(int requestType, int reqId, int txId, XsReply reply) {
        Objects.requireNonNull(reply, "reply");
        if (reply instanceof XsReply.Event) {
            throw new IllegalArgumentException("a watch event is not a reply; use encodeWatchEvent");
        }
        if (!(reply instanceof XsReply.Error) && !replyFits(requestType, reply)) {
            throw new IllegalArgumentException(reply + " is not a reply to " + XsWireLayout.typeName(requestType));
        }
        int type = reply instanceof XsReply.Error ? XsWireLayout.XS_ERROR : requestType;
        return encodeFrame(new Frame(type, reqId, txId, encodePayload(reply)));
    }

    /** An XS_WATCH_EVENT frame; req_id and tx_id are 0 as xenstored sends them. */
    public static byte[] encodeWatchEvent(String path, String token) {
        XsReply.Event e = new XsReply.Event(path, token);
        return encodeFrame(new Frame(XsWireLayout.XS_WATCH_EVENT, 0, 0, encodePayload(e)));
    }

    /** Whether {@code reply} is the shape of a successful reply to {@code requestType}. */
    static boolean replyFits(int requestType, XsReply reply) {
        return switch (reply) {
            case XsReply.Ok ok -> isAckType(requestType);
            case XsReply.Value v -> requestType == XsWireLayout.XS_READ;
            case XsReply.Children c -> requestType == XsWireLayout.XS_DIRECTORY;
            case XsReply.Perms pr -> requestType == XsWireLayout.XS_GET_PERMS;
            case XsReply.TransactionStarted t -> requestType == XsWireLayout.XS_TRANSACTION_START;
            case XsReply.DomainPath d -> requestType == XsWireLayout.XS_GET_DOMAIN_PATH;
            case XsReply.DomainIntroduced d -> requestType == XsWireLayout.XS_IS_DOMAIN_INTRODUCED;
            case XsReply.Error e -> true;
            case XsReply.Event e -> false;
        };
    }

    private static boolean isAckType(int type) {
        return switch (type) {
            case XsWireLayout.XS_WRITE, XsWireLayout.XS_MKDIR, XsWireLayout.XS_RM, XsWireLayout.XS_SET_PERMS,
                 XsWireLayout.XS_WATCH, XsWireLayout.XS_UNWATCH, XsWireLayout.XS_TRANSACTION_END,
                 XsWireLayout.XS_INTRODUCE, XsWireLayout.XS_RELEASE, XsWireLayout.XS_RESET_WATCHES -> true;
            default -> false;
        };
    }

    /** Payload length of a reply; xenstored answers {@code E2BIG} instead of a reply over the limit. */
    public static int payloadLength(XsReply reply) {
        Objects.requireNonNull(reply, "reply");
        return switch (reply) {
            case XsReply.Ok ok -> str(ACK);
            case XsReply.Value v -> XsNode.utf8Length(v.value());
            case XsReply.Children c -> {
                int len = 0;
                for (String n : c.names()) {
                    len += str(n);
                }
                yield len;
            }
            case XsReply.Perms pr -> {
                int len = 0;
                for (XsPermission p : pr.perms()) {
                    len += str(p.wire());
                }
                yield len;
            }
            case XsReply.TransactionStarted t -> str(Integer.toUnsignedString(t.txId()));
            case XsReply.DomainPath d -> str(d.path());
            case XsReply.DomainIntroduced d -> str("T");
            case XsReply.Error e -> str(e.errno().name());
            case XsReply.Event e -> str(e.path()) + str(e.token());
        };
    }

    /** The reply's payload bytes. */
    public static byte[] encodePayload(XsReply reply) {
        Objects.requireNonNull(reply, "reply");
        PayloadWriter w = new PayloadWriter();
        switch (reply) {
            case XsReply.Ok ok -> w.string(ACK);
            case XsReply.Value v -> w.raw(v.value());
            case XsReply.Children c -> c.names().forEach(w::string);
            case XsReply.Perms pr -> pr.perms().forEach(p -> w.string(p.wire()));
            case XsReply.TransactionStarted t -> w.string(Integer.toUnsignedString(t.txId()));
            case XsReply.DomainPath d -> w.string(d.path());
            case XsReply.DomainIntroduced d -> w.string(d.introduced() ? "T" : "F");
            case XsReply.Error e -> w.string(e.errno().name());
            case XsReply.Event e -> w.string(e.path()).string(e.token());
        }
        return w.toByteArray();
    }

    /**
     * The reply a frame carries, by the frame's type (XS_ERROR, XS_WATCH_EVENT, or the request's type).
     * {@code EIO} when the payload does not parse or the type has no reply format.
     */
    public static Result<XsReply> decodeReply(Frame frame) {
        Objects.requireNonNull(frame, "frame");
        byte[] p = frame.payload;
        String what = XsWireLayout.typeName(frame.type);
        return switch (frame.type) {
            case XsWireLayout.XS_ERROR -> bind(replyArg(p, what), name -> {
                Errno e = errnoNamed(name);
                return e == null || e == Errno.OK
                        ? Result.err(Errno.EIO, what + " names no errno: '" + XsPath.printable(name) + "'")
                        : Result.ok(new XsReply.Error(e));
            });
            case XsWireLayout.XS_WATCH_EVENT -> {
                Strings s = Strings.split(p);
                if (s.list.size() != 2 || s.trailing != 0) {
                    yield Result.err(Errno.EIO, what + " needs exactly <path>|<token>|");
                }
                yield Result.ok(new XsReply.Event(s.list.get(0), s.list.get(1)));
            }
            case XsWireLayout.XS_READ -> Result.ok(new XsReply.Value(utf8(p, 0, p.length)));
            case XsWireLayout.XS_DIRECTORY -> {
                Strings s = Strings.split(p);
                if (s.trailing != 0) {
                    yield Result.err(Errno.EIO, what + " reply ends without a NUL");
                }
                yield Result.ok(new XsReply.Children(s.list));
            }
            case XsWireLayout.XS_GET_PERMS -> {
                Strings s = Strings.split(p);
                if (s.list.isEmpty() || s.trailing != 0) {
                    yield Result.err(Errno.EIO, what + " reply needs <perm>|+");
                }
                List<XsPermission> perms = new ArrayList<>(s.list.size());
                for (String w : s.list) {
                    XsPermission perm = parsePermission(w);
                    if (perm == null) {
                        yield Result.err(Errno.EIO, what + " reply has an invalid permission '" + XsPath.printable(w) + "'");
                    }
                    perms.add(perm);
                }
                yield Result.ok(new XsReply.Perms(perms));
            }
            case XsWireLayout.XS_TRANSACTION_START -> bind(replyArg(p, what), id -> {
                Integer tx = parseUnsigned(id);
                return tx == null
                        ? Result.err(Errno.EIO, what + " reply is not an unsigned decimal: '" + XsPath.printable(id) + "'")
                        : Result.ok(new XsReply.TransactionStarted(tx));
            });
            case XsWireLayout.XS_GET_DOMAIN_PATH -> replyArg(p, what).map(XsReply.DomainPath::new);
            case XsWireLayout.XS_IS_DOMAIN_INTRODUCED -> bind(replyArg(p, what), tf -> switch (tf) {
                case "T" -> Result.ok(new XsReply.DomainIntroduced(true));
                case "F" -> Result.ok(new XsReply.DomainIntroduced(false));
                default -> Result.err(Errno.EIO, what + " reply must be T| or F|, got '" + XsPath.printable(tf) + "'");
            });
            default -> {
                if (!isAckType(frame.type)) {
                    yield Result.err(Errno.EIO, what + " has no reply format");
                }
                yield bind(replyArg(p, what), ok -> ok.equals(ACK)
                        ? Result.ok(new XsReply.Ok())
                        : Result.err(Errno.EIO, what + " acknowledgement must be OK|, got '" + XsPath.printable(ok) + "'"));
            }
        };
    }

    // ---------------------------------------------------------------- helpers

    /** {@code r} then {@code f} on its value; a failure passes through. */
    private static <T, U> Result<U> bind(Result<T> r, Function<? super T, Result<U>> f) {
        return switch (r) {
            case Result.Ok<T> ok -> f.apply(ok.value());
            case Result.Err<T> err -> Result.err(err.errno(), err.detail());
        };
    }

    /** Bytes of a NUL-terminated string. */
    private static int str(String s) {
        return XsNode.utf8Length(s) + 1;
    }

    private static Errno errnoNamed(String name) {
        for (Errno e : Errno.values()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** {@code onearg}: the payload is exactly one string, its only NUL at the end; else EINVAL. */
    private static Result<String> oneArg(byte[] p, String what) {
        if (p.length == 0 || indexOfNul(p, 0) != p.length - 1) {
            return Result.err(Errno.EINVAL, what + " needs exactly one NUL-terminated string");
        }
        return Result.ok(utf8(p, 0, p.length - 1));
    }

    /** Like {@link #oneArg} for replies: a bad shape is the daemon's fault, EIO. */
    private static Result<String> replyArg(byte[] p, String what) {
        if (p.length == 0 || indexOfNul(p, 0) != p.length - 1) {
            return Result.err(Errno.EIO, what + " reply needs exactly one NUL-terminated string");
        }
        return Result.ok(utf8(p, 0, p.length - 1));
    }

    private static Result<Integer> domidArg(byte[] p, String what) {
        return bind(oneArg(p, what), s -> {
            Integer domid = parseDomid(s);
            return domid == null
                    ? Result.err(Errno.EINVAL, what + " needs a decimal domid 0..65535, got '" + XsPath.printable(s) + "'")
                    : Result.ok(domid);
        });
    }

    /** A decimal domid as xenstore.txt defines it: 0..65535. */
    private static Integer parseDomid(String s) {
        Integer v = parseUnsigned(s);
        return v != null && v >= 0 && v <= 0xFFFF ? v : null;
    }

    /** An unsigned decimal u32 (as an int with the same bits), or null. */
    private static Integer parseUnsigned(String s) {
        if (s.isEmpty() || s.length() > 10 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long v = Long.parseLong(s);
        return v <= 0xFFFF_FFFFL ? (int) v : null;
    }

    /** A signed decimal (the gfn, which xenstore.txt says is signed), or null. */
    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code r5}, {@code b0} …, or null when the letter or the domid is invalid. */
    private static XsPermission parsePermission(String w) {
        if (w.length() < 2) {
            return null;
        }
        Integer domid = parseDomid(w.substring(1));
        if (domid == null || !DomId.isReal(domid)) {
            return null;
        }
        for (XsPermission.Access a : XsPermission.Access.values()) {
            if (a.letter() == w.charAt(0)) {
                return new XsPermission(a, domid);
            }
        }
        return null;
    }

    private static int indexOfNul(byte[] p, int from) {
        for (int i = from; i < p.length; i++) {
            if (p[i] == NUL) {
                return i;
            }
        }
        return -1;
    }

    private static String utf8(byte[] p, int off, int len) {
        return new String(p, off, len, StandardCharsets.UTF_8);
    }

    /** The NUL-terminated strings of a payload and how many bytes follow the last NUL ({@code get_strings}). */
    private record Strings(List<String> list, int trailing) {
        static Strings split(byte[] p) {
            List<String> list = new ArrayList<>();
            int off = 0;
            int nul;
            while ((nul = indexOfNul(p, off)) >= 0) {
                list.add(utf8(p, off, nul - off));
                off = nul + 1;
            }
            return new Strings(list, p.length - off);
        }
    }

    /** Appends strings to a growing payload. */
    private static final class PayloadWriter {
        private byte[] buf = new byte[64];
        private int len;

        /** A string and its terminating NUL; a NUL inside would change the message, so it is refused. */
        PayloadWriter string(String s) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("'" + XsPath.printable(s)
                        + "' contains a NUL, which a NUL-terminated wire string cannot carry");
            }
            raw(s);
            put(NUL);
            return this;
        }

        /** Bytes without a terminator (a WRITE value, a READ reply). */
        PayloadWriter raw(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
            return this;
        }

        private void put(byte b) {
            ensure(1);
            buf[len++] = b;
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }
}
