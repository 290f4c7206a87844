package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.ShutdownReason;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static dev.lingon.xen.remote.HypercallLayout.*;

/**
 * Encodes and decodes {@link HypercallLayout} frames: {@link Request}s and {@link Reply}s, by exhaustive
 * switches. Encoding rejects, as misuse, what the layout cannot carry (a string over
 * {@link HypercallLayout#MAX_STRING} bytes, a frame over {@link HypercallLayout#MAX_LEN}); decoding never
 * trusts its input and throws {@link MalformedFrameException} naming the frame and what was wrong.
 * Stateless; any thread.
 */
public final class HypercallCodec {

    private HypercallCodec() {
    }

    // ---------------------------------------------------------------- frames

    /** A request as a whole frame, header included, ready to write. */
    public static ByteBuffer encode(int reqId, Request request) {
        Objects.requireNonNull(request, "request");
        Out o = new Out(request.op(), reqId);
        switch (request) {
            case Request.Hello h -> o.i32(MAGIC).u16(h.version()).u16(h.domid()).i64(h.generation()).raw(h.token());
            case Request.BindInterdomain r -> o.i32(r.remoteDom()).i32(r.remotePort());
            case Request.BindVirq r -> o.i32(r.virq()).i32(r.vcpu());
            case Request.Close r -> o.i32(r.port());
            case Request.Send r -> o.i32(r.port());
            case Request.Status r -> o.i32(r.dom()).i32(r.port());
            case Request.AllocUnbound r -> o.i32(r.dom()).i32(r.remoteDom());
            case Request.BindIpi r -> o.i32(r.vcpu());
            case Request.BindVcpu r -> o.i32(r.port()).i32(r.vcpu());
            case Request.Unmask r -> o.i32(r.port());
            case Request.Reset r -> o.i32(r.dom());
            case Request.MapGrantRef r -> o.i32(r.dom()).i32(r.ref()).bool(r.readonly());
            case Request.UnmapGrantRef r -> o.i32(r.handle());
            case Request.Copy r -> {
                copyPtr(o, r.copy().source());
                copyPtr(o, r.copy().dest());
                o.u16(r.copy().len());
            }
            case Request.QuerySize r -> {
            }
            case Request.GrantForeignAccess r -> o.i32(r.dom()).i32(r.frame()).bool(r.readonly());
            case Request.GrantForeignAccessRef r -> o.i32(r.ref()).i32(r.dom()).i32(r.frame()).bool(r.readonly());
            case Request.EndForeignAccessRef r -> o.i32(r.ref());
            case Request.EndForeignAccess r -> o.i32(r.ref());
            case Request.RetryDeferred r -> {
            }
            case Request.DeferredCount r -> {
            }
            case Request.ActiveMappings r -> {
            }
            case Request.SetUnmapNotify r -> o.bool(r.viaHandle()).i32(r.handleOrFrame()).i32(r.offset()).i32(r.port());
            case Request.ClearUnmapNotify r -> o.i32(r.registration());
            case Request.DecreaseReservation r -> o.i32(r.frame());
            case Request.CurrentReservation r -> {
            }
            case Request.PopulatePhysmap r -> {
            }
            case Request.PageQuery r -> o.i32(r.frame());
            case Request.MapPeerEvents r -> o.i32(r.port());
            case Request.Shutdown r -> o.u8(r.reason().code());
            case Request.GetDomainInfo r -> {
            }
            case Request.XsOpen r -> {
            }
            case Request.XsClose r -> o.i32(r.conn());
            case Request.XsMessage r -> o.i32(r.conn()).bytes(r.messageNoCopy());
        }
        return o.finish();
    }

    /** A reply (or push, with {@code reqId} 0) as a whole frame, header included. */
    public static ByteBuffer encode(int reqId, Reply reply) {
        Objects.requireNonNull(reply, "reply");
        Out o = new Out(reply.kind(), reqId);
        switch (reply) {
            case Reply.Welcome w -> o.u16(w.version()).u16(w.domid()).i32(w.vcpus()).i32(w.maxPages()).i32(w.maxGrantFrames())
                    .u8(w.state().letter()).str(w.name()).str(w.file());
            case Reply.Refused r -> o.u16(r.errno().code()).str(r.reason());
            case Reply.Rc r -> o.i32(r.errno().rc()).str(r.detail());
            case Reply.Value v -> o.i32(v.errno().rc()).i64(v.value()).str(v.detail());
            case Reply.PortStatus p -> o.u8(p.status().state().value()).i32(p.status().vcpu()).i32(p.status().remoteDomid())
                    .i32(p.status().remotePort()).i32(p.status().virq());
            case Reply.Gnt g -> o.u16(g.status().code() & 0xFFFF);
            case Reply.Mapped m -> o.i32(m.handle()).i64(m.offset()).bool(m.readonly()).str(m.file());
            case Reply.QuerySize q -> o.i32(q.nrFrames()).i32(q.maxFrames());
            case Reply.DomainInfo d -> o.u8(d.state().letter()).u8(d.reason() == null ? NO_SHUTDOWN_REASON : d.reason().code()).str(d.name());
            case Reply.XsMessage x -> o.i32(x.conn()).bytes(x.messageNoCopy());
            case Reply.Misuse m -> o.bool(m.illegalState()).str(m.message());
            case Reply.Failed f -> o.str(f.message());
            case Reply.ProtocolError p -> o.str(p.message());
            case Reply.PeerFile p -> o.u16(p.domid()).i64(p.generation()).i32(p.vcpus()).str(p.file());
        }
        return o.finish();
    }

    /** The request a frame of kind {@code op} carries in {@code body} (positioned at the body, limited to it). */
    public static Request decodeRequest(int op, ByteBuffer body) throws MalformedFrameException {
        In in = new In(body, opName(op));
        Request r;
        try {
            r = switch (op) {
                case OP_HELLO -> {
                    int magic = in.i32();
                    if (magic != MAGIC) {
                        throw in.bad(String.format("magic is 0x%08X, not 0x%08X (\"LGHC\"): this is not a Lingon hypercall client", magic, MAGIC));
                    }
                    yield new Request.Hello(in.u16(), in.u16(), in.i64(), in.raw(TOKEN_LENGTH));
                }
                case OP_EVTCHNOP_bind_interdomain -> new Request.BindInterdomain(in.i32(), in.i32());
                case OP_EVTCHNOP_bind_virq -> new Request.BindVirq(in.i32(), in.i32());
                case OP_EVTCHNOP_close -> new Request.Close(in.i32());
                case OP_EVTCHNOP_send -> new Request.Send(in.i32());
                case OP_EVTCHNOP_status -> new Request.Status(in.i32(), in.i32());
                case OP_EVTCHNOP_alloc_unbound -> new Request.AllocUnbound(in.i32(), in.i32());
                case OP_EVTCHNOP_bind_ipi -> new Request.BindIpi(in.i32());
                case OP_EVTCHNOP_bind_vcpu -> new Request.BindVcpu(in.i32(), in.i32());
                case OP_EVTCHNOP_unmask -> new Request.Unmask(in.i32());
                case OP_EVTCHNOP_reset -> new Request.Reset(in.i32());
                case OP_GNTTABOP_map_grant_ref -> new Request.MapGrantRef(in.i32(), in.i32(), in.bool());
                case OP_GNTTABOP_unmap_grant_ref -> new Request.UnmapGrantRef(in.i32());
                case OP_GNTTABOP_copy -> {
                    GntCopy.Ptr source = copyPtr(in);
                    GntCopy.Ptr dest = copyPtr(in);
                    yield new Request.Copy(new GntCopy(source, dest, in.u16()));
                }
                case OP_GNTTABOP_query_size -> new Request.QuerySize();
                case OP_GRANT_FOREIGN_ACCESS -> new Request.GrantForeignAccess(in.i32(), in.i32(), in.bool());
                case OP_GRANT_FOREIGN_ACCESS_REF -> new Request.GrantForeignAccessRef(in.i32(), in.i32(), in.i32(), in.bool());
                case OP_END_FOREIGN_ACCESS_REF -> new Request.EndForeignAccessRef(in.i32());
                case OP_END_FOREIGN_ACCESS -> new Request.EndForeignAccess(in.i32());
                case OP_RETRY_DEFERRED -> new Request.RetryDeferred();
                case OP_DEFERRED_COUNT -> new Request.DeferredCount();
                case OP_ACTIVE_MAPPINGS -> new Request.ActiveMappings();
                case OP_SET_UNMAP_NOTIFY -> new Request.SetUnmapNotify(in.bool(), in.i32(), in.i32(), in.i32());
                case OP_CLEAR_UNMAP_NOTIFY -> new Request.ClearUnmapNotify(in.i32());
                case OP_XENMEM_decrease_reservation -> new Request.DecreaseReservation(in.i32());
                case OP_XENMEM_current_reservation -> new Request.CurrentReservation();
                case OP_XENMEM_populate_physmap -> new Request.PopulatePhysmap();
                case OP_PAGE_QUERY -> new Request.PageQuery(in.i32());
                case OP_MAP_PEER_EVENTS -> new Request.MapPeerEvents(in.i32());
                case OP_SCHEDOP_shutdown -> new Request.Shutdown(shutdownReason(in, in.u8()));
                case OP_XEN_DOMCTL_getdomaininfo -> new Request.GetDomainInfo();
                case OP_XS_OPEN -> new Request.XsOpen();
                case OP_XS_CLOSE -> new Request.XsClose(in.i32());
                case OP_XS_MESSAGE -> new Request.XsMessage(in.i32(), in.bytes());
                default -> throw new MalformedFrameException(String.format(
                        "unknown operation 0x%04X: this dom0 speaks hypercall protocol version %d", op, VERSION));
            };
        } catch (IllegalArgumentException e) {
            // A record refused a field value the layout can carry (a grant-copy offset over a u16, say).
            throw in.bad(e.getMessage());
        }
        in.end();
        return r;
    }

    /** The reply a frame of kind {@code kind} carries in {@code body}. */
    public static Reply decodeReply(int kind, ByteBuffer body) throws MalformedFrameException {
        In in = new In(body, replyName(kind));
        Reply r;
        try {
            r = switch (kind) {
                case REPLY_WELCOME -> new Reply.Welcome(in.u16(), in.u16(), in.i32(), in.i32(), in.i32(), state(in, in.u8()),
                        in.str(), in.str());
                case REPLY_REFUSED -> new Reply.Refused(errno(in, in.u16()), in.str());
                case REPLY_RC -> new Reply.Rc(errno(in, in.i32()), in.str());
                case REPLY_VALUE -> new Reply.Value(errno(in, in.i32()), in.i64(), in.str());
                case REPLY_EVTCHN_STATUS -> new Reply.PortStatus(new EvtchnStatus(evtchnState(in, in.u8()), in.i32(), in.i32(),
                        in.i32(), in.i32()));
                case REPLY_GNTST -> new Reply.Gnt(gntStatus(in, (short) in.u16()));
                case REPLY_MAPPED -> new Reply.Mapped(in.i32(), in.i64(), in.bool(), in.str());
                case REPLY_QUERY_SIZE -> new Reply.QuerySize(in.i32(), in.i32());
                case REPLY_DOMAIN_INFO -> {
                    DomainState state = state(in, in.u8());
                    int reason = in.u8();
                    yield new Reply.DomainInfo(state, reason == NO_SHUTDOWN_REASON ? null : shutdownReason(in, reason), in.str());
                }
                case REPLY_XS_MESSAGE -> new Reply.XsMessage(in.i32(), in.bytes());
                case REPLY_MISUSE -> new Reply.Misuse(in.bool(), in.str());
                case REPLY_FAILED -> new Reply.Failed(in.str());
                case REPLY_PROTOCOL_ERROR -> new Reply.ProtocolError(in.str());
                case REPLY_PEER_FILE -> new Reply.PeerFile(in.u16(), in.i64(), in.i32(), in.str());
                default -> throw new MalformedFrameException(String.format(
                        "unknown reply kind 0x%04X: this domain speaks hypercall protocol version %d", kind, VERSION));
            };
        } catch (IllegalArgumentException e) {
            throw in.bad(e.getMessage());
        }
        in.end();
        return r;
    }

    // ---------------------------------------------------------------- field helpers

    private static void copyPtr(Out o, GntCopy.Ptr p) {
        o.bool(p.gref()).i32(p.refOrFrame()).i32(p.domid()).u16(p.offset());
    }

    private static GntCopy.Ptr copyPtr(In in) throws MalformedFrameException {
        return new GntCopy.Ptr(in.bool(), in.i32(), in.i32(), in.u16());
    }

    private static Errno errno(In in, int codeOrRc) throws MalformedFrameException {
        try {
            return Errno.of(codeOrRc);
        } catch (IllegalArgumentException e) {
            throw in.bad("return code " + codeOrRc + " names no errno Lingon knows");
        }
    }

    private static GntStatus gntStatus(In in, int code) throws MalformedFrameException {
        try {
            return GntStatus.of(code);
        } catch (IllegalArgumentException e) {
            throw in.bad("status " + code + " is no GNTST_* code");
        }
    }

    private static ShutdownReason shutdownReason(In in, int code) throws MalformedFrameException {
        try {
            return ShutdownReason.of(code);
        } catch (IllegalArgumentException e) {
            throw in.bad("shutdown reason " + code + " is no SHUTDOWN_* code");
        }
    }

    private static DomainState state(In in, int letter) throws MalformedFrameException {
        for (DomainState s : DomainState.values()) {
            if (s.letter() == letter) {
                return s;
            }
        }
        throw in.bad("domain state byte " + letter + " is none of xl's letters r b p s c d");
    }

    private static EvtchnState evtchnState(In in, int value) throws MalformedFrameException {
        for (EvtchnState s : EvtchnState.values()) {
            if (s.value() == value) {
                return s;
            }
        }
        throw in.bad("port state " + value + " is no EVTCHNSTAT_* value");
    }

    /** Builds one frame: header first, length patched in at the end. */
    private static final class Out {
        private ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        private final String what;

        Out(int kind, int reqId) {
            this.what = String.format("frame 0x%04X", kind);
            b.putInt(0).putShort((short) kind).putShort((short) 0).putInt(reqId);
        }

        private void ensure(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(b.flip());
                b = bigger;
            }
        }

        Out u8(int v) {
            ensure(1);
            b.put((byte) v);
            return this;
        }

        Out bool(boolean v) {
            return u8(v ? 1 : 0);
        }

        Out u16(int v) {
            ensure(2);
            b.putShort((short) v);
            return this;
        }

        Out i32(int v) {
            ensure(4);
            b.putInt(v);
            return this;
        }

        Out i64(long v) {
            ensure(8);
            b.putLong(v);
            return this;
        }

        Out raw(byte[] v) {
            ensure(v.length);
            b.put(v);
            return this;
        }

        Out str(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_STRING) {
                throw new IllegalArgumentException("a string of " + utf8.length + " UTF-8 bytes does not fit the hypercall"
                        + " protocol's limit of " + MAX_STRING + ": '" + s.substring(0, Math.min(s.length(), 60)) + "…'");
            }
            return u16(utf8.length).raw(utf8);
        }

        Out bytes(byte[] v) {
            return i32(v.length).raw(v);
        }

        ByteBuffer finish() {
            int len = b.position() - 4;
            if (len > MAX_LEN) {
                throw new IllegalArgumentException(what + " would be " + len + " bytes long, over the protocol's MAX_LEN of " + MAX_LEN);
            }
            b.putInt(LEN_OFFSET, len);
            return b.flip();
        }
    }

    /** Reads one body; every shortfall or leftover is a {@link MalformedFrameException} naming the frame. */
    private static final class In {
        private final ByteBuffer b;
        private final String what;

        In(ByteBuffer body, String what) {
            this.b = body.slice().order(ByteOrder.LITTLE_ENDIAN);
            this.what = what;
        }

        MalformedFrameException bad(String why) {
            return new MalformedFrameException("malformed " + what + " frame: " + why);
        }

        private void need(int n, String field) throws MalformedFrameException {
            if (b.remaining() < n) {
                throw bad("body ends after " + b.position() + " bytes, inside a " + field + " field");
            }
        }

        int u8() throws MalformedFrameException {
            need(1, "u8");
            return b.get() & 0xFF;
        }

        boolean bool() throws MalformedFrameException {
            need(1, "bool");
            int v = b.get() & 0xFF;
            if (v > 1) {
                throw bad("bool field at body offset " + (b.position() - 1) + " is " + v + ", not 0 or 1");
            }
            return v == 1;
        }

        int u16() throws MalformedFrameException {
            need(2, "u16");
            return b.getShort() & 0xFFFF;
        }

        int i32() throws MalformedFrameException {
            need(4, "32-bit");
            return b.getInt();
        }

        long i64() throws MalformedFrameException {
            need(8, "i64");
            return b.getLong();
        }

        byte[] raw(int n) throws MalformedFrameException {
            need(n, n + "-byte");
            byte[] v = new byte[n];
            b.get(v);
            return v;
        }

        String str() throws MalformedFrameException {
            int n = u16();
            if (n > MAX_STRING) {
                throw bad("string of " + n + " bytes is over the limit of " + MAX_STRING);
            }
            need(n, "string");
            ByteBuffer s = b.slice(b.position(), n);
            b.position(b.position() + n);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(s).toString();
            } catch (CharacterCodingException e) {
                throw bad("string is not valid UTF-8");
            }
        }

        byte[] bytes() throws MalformedFrameException {
            int n = i32();
            if (n < 0 || n > b.remaining()) {
                throw bad("byte string announces " + Integer.toUnsignedString(n) + " bytes but " + b.remaining() + " remain");
            }
            return raw(n);
        }

        void end() throws MalformedFrameException {
            if (b.hasRemaining()) {
                throw bad(b.remaining() + " bytes left over after the last field");
            }
        }
    }
}
