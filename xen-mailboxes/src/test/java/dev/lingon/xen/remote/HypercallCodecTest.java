package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.ShutdownReason;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every request and reply survives encode and decode; malformed bodies are refused with the reason. */
class HypercallCodecTest {

    static final byte[] TOKEN = new byte[HypercallLayout.TOKEN_LENGTH];

    /** One of every request kind; the test fails if a kind is missing, so a new request gets a case here. */
    static final List<Request> REQUESTS = List.of(
            new Request.Hello(HypercallLayout.VERSION, 5, 1L << 40, TOKEN),
            new Request.BindInterdomain(3, 17), new Request.BindVirq(0, 1), new Request.Close(9), new Request.Send(4095),
            new Request.Status(DomId.DOMID_SELF, 2), new Request.AllocUnbound(DomId.DOMID_SELF, 0), new Request.BindIpi(3),
            new Request.BindVcpu(8, 1), new Request.Unmask(12), new Request.Reset(-1),
            new Request.MapGrantRef(4, 8, true), new Request.UnmapGrantRef(0),
            new Request.Copy(new GntCopy(GntCopy.Ptr.ref(3, 9, 100), GntCopy.Ptr.ownFrame(7, 0xFFFF), 4096)),
            new Request.QuerySize(), new Request.GrantForeignAccess(2, 33, false), new Request.GrantForeignAccessRef(1, 0, 2, true),
            new Request.EndForeignAccessRef(8), new Request.EndForeignAccess(9), new Request.RetryDeferred(),
            new Request.DeferredCount(), new Request.ActiveMappings(), new Request.SetUnmapNotify(true, 3, 4095, 6),
            new Request.ClearUnmapNotify(2), new Request.DecreaseReservation(5), new Request.CurrentReservation(),
            new Request.PopulatePhysmap(), new Request.PageQuery(1), new Request.MapPeerEvents(7), new Request.Shutdown(ShutdownReason.SOFT_RESET),
            new Request.GetDomainInfo(), new Request.XsOpen(), new Request.XsClose(1), new Request.XsMessage(1, new byte[]{1, 2, 3}));

    static final List<Reply> REPLIES = List.of(
            new Reply.Welcome(1, 7, 2, 1024, 4, DomainState.PAUSED, "ledger-ü", "/dev/shm/lingon-x/1/dom7-g2.mem"),
            new Reply.Refused(Errno.EACCES, "wrong token"), new Reply.Rc(Errno.OK, ""), new Reply.Rc(Errno.EINVAL, "port 9 is free"),
            new Reply.Value(Errno.OK, Long.MIN_VALUE, ""), new Reply.Value(Errno.ENOSPC, 0, "no port"),
            new Reply.PortStatus(new EvtchnStatus(EvtchnState.INTERDOMAIN, 1, 3, 17, -1)),
            new Reply.Gnt(GntStatus.GNTST_permission_denied), new Reply.Gnt(GntStatus.GNTST_okay),
            new Reply.Mapped(0, 77L * 4096, true, "/x/dom3-g1.mem"), new Reply.QuerySize(1, 64),
            new Reply.DomainInfo(DomainState.CRASHED, ShutdownReason.CRASH, "n"), new Reply.DomainInfo(DomainState.RUNNING, null, "n"),
            new Reply.XsMessage(2, new byte[16]), new Reply.Misuse(true, "bad"), new Reply.Failed("oops"),
            new Reply.ProtocolError("bad frame"), new Reply.PeerFile(3, 9L, 2, "/x/dom3-g9.mem"));

    @Test
    void everyRequestKindRoundTrips() throws Exception {
        Set<Class<?>> kinds = new HashSet<>();
        for (Request r : REQUESTS) {
            ByteBuffer frame = HypercallCodec.encode(42, r);
            assertEquals(frame.remaining() - 4, frame.getInt(HypercallLayout.LEN_OFFSET), "len counts the bytes after itself");
            assertEquals(r.op(), frame.getShort(HypercallLayout.KIND_OFFSET) & 0xFFFF);
            assertEquals(42, frame.getInt(HypercallLayout.REQ_ID_OFFSET));
            assertEquals(r, HypercallCodec.decodeRequest(r.op(), body(frame)), r.describe());
            kinds.add(r.getClass());
        }
        assertEquals(Set.of(Request.class.getPermittedSubclasses()), kinds, "one example of every request kind");
    }

    @Test
    void everyReplyKindRoundTrips() throws Exception {
        Set<Class<?>> kinds = new HashSet<>();
        for (Reply r : REPLIES) {
            ByteBuffer frame = HypercallCodec.encode(0, r);
            assertEquals(r, HypercallCodec.decodeReply(r.kind(), body(frame)));
            kinds.add(r.getClass());
        }
        assertEquals(Set.of(Reply.class.getPermittedSubclasses()), kinds, "one example of every reply kind");
    }

    @Test
    void theLayoutIsLittleEndianWithXenOperationNumbers() {
        ByteBuffer frame = HypercallCodec.encode(7, new Request.Send(3));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        // len 12 (8 + i32 port), kind 0x2004 (event_channel_op 32, EVTCHNOP_send 4), reserved 0, req_id 7, port 3
        assertEquals(List.of(12, 0, 0, 0, 0x04, 0x20, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0), toList(bytes));
        assertEquals("EVTCHNOP_send(port=3)", new Request.Send(3).describe());
    }

    @Test
    void malformedBodiesAreRefusedWithTheReason() {
        MalformedFrameException shortBody = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(HypercallLayout.OP_EVTCHNOP_alloc_unbound, le(new byte[]{1, 0, 0, 0, 2})));
        assertTrue(shortBody.getMessage().contains("EVTCHNOP_alloc_unbound") && shortBody.getMessage().contains("ends after 4 bytes"),
                shortBody.getMessage());

        MalformedFrameException leftover = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(HypercallLayout.OP_EVTCHNOP_send, le(new byte[]{1, 0, 0, 0, 9})));
        assertTrue(leftover.getMessage().contains("1 bytes left over"), leftover.getMessage());

        MalformedFrameException badBool = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(HypercallLayout.OP_GNTTABOP_map_grant_ref, le(new byte[]{1, 0, 0, 0, 8, 0, 0, 0, 2})));
        assertTrue(badBool.getMessage().contains("not 0 or 1"), badBool.getMessage());

        MalformedFrameException unknown = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(0x2099, le(new byte[0])));
        assertTrue(unknown.getMessage().contains("unknown operation 0x2099"), unknown.getMessage());

        MalformedFrameException badReason = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(HypercallLayout.OP_SCHEDOP_shutdown, le(new byte[]{9})));
        assertTrue(badReason.getMessage().contains("no SHUTDOWN_* code"), badReason.getMessage());

        MalformedFrameException badMagic = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeRequest(HypercallLayout.OP_HELLO, le(new byte[30])));
        assertTrue(badMagic.getMessage().contains("not a Lingon hypercall client"), badMagic.getMessage());

        MalformedFrameException badErrno = assertThrows(MalformedFrameException.class,
                () -> HypercallCodec.decodeReply(HypercallLayout.REPLY_RC, le(new byte[]{(byte) 0x9C, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0, 0})));
        assertTrue(badErrno.getMessage().contains("-100"), badErrno.getMessage());
    }

    /** Truncations and random byte flips of valid bodies: decoding fails only as a malformed frame, never otherwise. */
    @Test
    void damagedBodiesFailOnlyAsMalformedFrames() {
        long seed = Long.getLong("lingon.seed", System.nanoTime());
        java.util.Random rnd = new java.util.Random(seed);
        java.util.List<Object> all = new java.util.ArrayList<>(REQUESTS);
        all.addAll(REPLIES);
        for (int round = 0; round < 20_000; round++) {
            Object r = all.get(rnd.nextInt(all.size()));
            ByteBuffer frame = r instanceof Request q ? HypercallCodec.encode(1, q) : HypercallCodec.encode(1, (Reply) r);
            byte[] body = new byte[frame.remaining() - HypercallLayout.BODY_OFFSET];
            frame.get(HypercallLayout.BODY_OFFSET, body);
            byte[] damaged = rnd.nextBoolean() ? java.util.Arrays.copyOf(body, rnd.nextInt(body.length + 1)) : body.clone();
            for (int flips = rnd.nextInt(3); flips > 0 && damaged.length > 0; flips--) {
                damaged[rnd.nextInt(damaged.length)] = (byte) rnd.nextInt(256);
            }
            int kind = frame.getShort(HypercallLayout.KIND_OFFSET) & 0xFFFF;
            try {
                if (r instanceof Request) {
                    HypercallCodec.decodeRequest(kind, le(damaged));
                } else {
                    HypercallCodec.decodeReply(kind, le(damaged));
                }
            } catch (MalformedFrameException expected) {
                // the only way a damaged body may fail
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": decoding a damaged " + r + " threw " + e, e);
            }
        }
    }

    @Test
    void whatTheLayoutCannotCarryIsRefusedWhenEncoding() {
        String huge = "x".repeat(HypercallLayout.MAX_STRING + 1);
        assertThrows(IllegalArgumentException.class, () -> HypercallCodec.encode(1, new Reply.Failed(huge)));
        assertThrows(IllegalArgumentException.class,
                () -> HypercallCodec.encode(1, new Request.XsMessage(1, new byte[HypercallLayout.MAX_LEN])));
    }

    static ByteBuffer body(ByteBuffer frame) {
        return frame.duplicate().position(HypercallLayout.BODY_OFFSET).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static List<Integer> toList(byte[] b) {
        return java.util.stream.IntStream.range(0, b.length).mapToObj(i -> b[i] & 0xFF).toList();
    }
}
