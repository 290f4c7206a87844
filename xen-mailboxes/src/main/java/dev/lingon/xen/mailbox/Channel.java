package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.Result;
import dev.lingon.xen.serialization.KryoSerializer;
import dev.lingon.xen.vchan.FramedVchan;
import dev.lingon.xen.vchan.ReceiveResult;
import dev.lingon.xen.vchan.SendResult;
import dev.lingon.xen.vchan.Vchan;
import dev.lingon.xen.vchan.WriteCombining;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.dispatch.sysmsg.DeathWatchNotification;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One mailbox channel between this domain and a peer: a vchan whose rings carry {@link WireFrame}s,
 * and whose event channel is the doorbell of this channel's actor.
 *
 * <p><b>Outbound</b> (any thread): {@link #tell} serializes the message on the sender's own thread and
 * writes the frame straight into the ring under the channel's write lock — no hop through another
 * actor. The lock orders concurrent senders, so each sender's messages keep their order. A full ring
 * is back-pressure: frames wait in a bounded pending queue (in order, behind which later frames also
 * wait) and are flushed when the reader's NOTIFY_READ event arrives; beyond the bound a message goes
 * to dead letters as {@code Dropped} with reason "ring full" and is counted. A message larger than the
 * ring is refused the same way (no fragmentation).
 *
 * <p><b>Inbound</b> (the channel actor, on the kernel lane): the receive ring is the mailbox storage
 * for messages from the peer; when its port is found pending the kernel tells this channel's actor,
 * which reads up to a batch of frames, deserializes each and tells the recipient. A malformed frame
 * or a corrupt ring closes this channel with a logged reason; the domain goes on.
 *
 * <p><b>Death watch</b>: the first local watcher of a remote actor sends WATCH; the peer's channel
 * actor watches its actor and answers DEATH when it stops. When the channel closes (the peer closed,
 * its domain died, a frame was malformed) every watched remote actor is reported terminated with
 * {@code addressTerminated}.
 */
final class Channel implements WriteCombining.Held {
    private static final Logger log = LoggerFactory.getLogger(Channel.class);

    enum Role { SERVER, CLIENT }

    enum State { CONNECTING, OPEN, CLOSED }

    /**
     * What makes DELIVER frames a stream: the encoded recipient, sender and manifest (compared by
     * identity, since each is encoded once and reused) and the serializer. Null for control frames.
     * {@code headerEnd} is where the payload starts in the frame: a frame is built with that many bytes
     * left free before the payload, and the header is written into them only when the frame goes as
     * DELIVER (see {@link #writeFrame}), so a stream of AGAIN frames never builds it.
     */
    private record StreamKey(byte[] recipient, byte[] sender, int serializerId, byte[] manifest, int headerEnd) {
        StreamKey(byte[] recipient, byte[] sender, int serializerId, byte[] manifest) {
            this(recipient, sender, serializerId, manifest, WireFormat.deliverHeaderLength(recipient, sender, manifest));
        }

        boolean continues(StreamKey previous) {
            return previous != null && previous.recipient == recipient && previous.sender == sender
                    && previous.serializerId == serializerId && previous.manifest == manifest;
        }
    }

    private record Pending(byte[] frame, StreamKey key, Object message, ActorRef sender, ActorRef recipient) {
    }

    final XenMailboxes mb;
    final int peerDomid;
    final Role role;
    final long peerGeneration;
    final int serial;
    private volatile State state = State.CONNECTING;
    private volatile String closeReason;

    private final Object writeLock = new Object();
    private FramedVchan framed;
    private Vchan vchan;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** The key of the last DELIVER or AGAIN written into the ring, in ring order; writeLock. */
    private StreamKey lastWritten;

    /**
     * The proxies being watched, by remote path: only these are kept, so that a DEATH frame or the
     * channel's close finds and marks them. Every other reference resolved to this channel is made
     * afresh and left to the garbage collector; keeping them all would keep one per {@code ask} the
     * peer ever made. Changed under {@link #watchLock}.
     */
    private final ConcurrentHashMap<String, XenActorRef> proxies = new ConcurrentHashMap<>();
    private final Object watchLock = new Object();
    private final Map<XenActorRef, LinkedHashSet<InternalActorRef>> watchers = new LinkedHashMap<>();

    /** Channel-actor-only state. */
    private final Map<String, ActorRef> recipientCache = new HashMap<>();
    private final Map<ActorRef, String> watchedForPeer = new LinkedHashMap<>();
    private String peerSystem;

    /*
     * Frames written and messages delivered: counted on every message, so not with atomic adds (a
     * locked instruction per message would stall the writer until its ring stores are visible). Each
     * has one writer at a time (sent under writeLock, received by the channel actor); readers of the
     * statistics get an opaque read.
     */
    private long sent;
    private long received;
    private static final java.lang.invoke.VarHandle SENT;
    private static final java.lang.invoke.VarHandle RECEIVED;

    static {
        try {
            var l = java.lang.invoke.MethodHandles.lookup();
            SENT = l.findVarHandle(Channel.class, "sent", long.class);
            RECEIVED = l.findVarHandle(Channel.class, "received", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private void countSent() {
        SENT.setOpaque(this, sent + 1);
    }
    final AtomicLong droppedRingFull = new AtomicLong();
    final AtomicLong droppedTooLarge = new AtomicLong();
    final AtomicLong droppedClosed = new AtomicLong();
    final AtomicLong serializationFailures = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();

    Channel(XenMailboxes mb, int peerDomid, Role role, long peerGeneration, int serial) {
        this.mb = mb;
        this.peerDomid = peerDomid;
        this.role = role;
        this.peerGeneration = peerGeneration;
        this.serial = serial;
        this.maxPayload = (1 << Vchan.chooseOrders(mb.settings().ringBytes(), mb.settings().ringBytes())[1]) - FramedVchan.HEADER_BYTES;
    }

    State state() {
        return state;
    }

    private volatile org.apache.pekko.actor.typed.ActorRef<ChannelActor.Msg> actor;

    org.apache.pekko.actor.typed.ActorRef<ChannelActor.Msg> actor() {
        return actor;
    }

    void attach(org.apache.pekko.actor.typed.ActorRef<ChannelActor.Msg> actor) {
        this.actor = actor;
    }

    String closeReason() {
        return closeReason;
    }

    String xsPathAtServer(int serverDomid, int clientDomid) {
        return "/local/domain/" + serverDomid + "/data/lingon/vchan/" + clientDomid;
    }

    // ================================================================ setup (channel actor)

    /** Creates (server) or joins (client) the vchan; answers the port to bind, or an error. */
    Result<Integer> open() {
        int me = mb.domain().domid();
        int ring = mb.settings().ringBytes();
        Result<Vchan> v = role == Role.SERVER
                ? Vchan.server(mb.domain(), peerDomid, xsPathAtServer(me, peerDomid), ring, ring)
                : Vchan.client(mb.domain(), peerDomid, xsPathAtServer(peerDomid, me));
        if (!v.isOk()) {
            return Result.err(v.errno(), ((Result.Err<Vchan>) v).detail());
        }
        synchronized (writeLock) {
            vchan = v.orThrow();
            framed = new FramedVchan(vchan);
            if (state == State.CLOSED) {
                vchan.close();
                return Result.err(dev.lingon.xen.api.Errno.ENOTCONN, "channel closed while it was being set up");
            }
            state = State.OPEN;
            ByteBuffer b = scratch();
            WireFormat.hello(b, me, mb.domain().handle().generation(), mb.systemName());
            b.flip();
            writeLocked(b, null, null, null, null);
            flushLocked();
        }
        return Result.ok(vchan.eventPort());
    }

    // ================================================================ outbound (any thread)

    private static final ThreadLocal<ByteBuffer> SCRATCH = ThreadLocal.withInitial(() -> ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN));

    /**
     * The calling thread's buffer for building a frame: a vCPU thread keeps it in its write-combining
     * scope (a field read; a thread-local lookup showed up as a tenth of a sender's time), any other
     * thread in a thread-local.
     */
    private static ByteBuffer scratch(WriteCombining carrier) {
        ByteBuffer b = carrier != null ? carrier.frameBuffer() : SCRATCH.get();
        if (b == null) {
            b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
            carrier.frameBuffer(b);
        }
        b.clear();
        return b;
    }

    private static ByteBuffer scratch() {
        return scratch(WriteCombining.current());
    }

    private static ByteBuffer grow(WriteCombining carrier, ByteBuffer old, int atLeast) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(old.capacity() * 2, atLeast)).order(ByteOrder.LITTLE_ENDIAN);
        if (carrier != null) {
            carrier.frameBuffer(b);
        } else {
            SCRATCH.set(b);
        }
        return b;
    }

    void tell(XenActorRef target, Object message, ActorRef sender) {
        if (message == null) {
            throw new IllegalArgumentException("message must not be null");
        }
        if (state == State.CLOSED) {
            drop(message, sender, target, "channel to dom" + peerDomid + " is closed: " + closeReason, droppedClosed);
            return;
        }
        if (target.generation() != peerGeneration) {
            drop(message, sender, target, "dom" + peerDomid + " generation " + target.generation()
                    + " is gone (the domain restarted as generation " + peerGeneration + "); this reference points to the old incarnation", droppedClosed);
            return;
        }
        if (target.isTerminated()) {
            drop(message, sender, target, "remote actor " + target.path() + " has terminated", droppedClosed);
            return;
        }
        Serializer serializer;
        String manifest;
        StreamKey key;
        WriteCombining carrier = WriteCombining.current();
        ByteBuffer b = scratch(carrier);
        Serialization.Information info = mb.transportInformation();
        var dv = org.apache.pekko.serialization.Serialization$.MODULE$.currentTransportInformation();
        Serialization.Information previous = dv.value();
        // A vCPU thread only ever runs this domain's system, so its transport information, once set,
        // stays: two thread-local writes fewer per message. Other threads get theirs back.
        boolean restore = previous != info && carrier == null;
        if (previous != info) {
            dv.value_$eq(info);
        }
        try {
            serializer = serializerFor(message);
            manifest = Serializers.manifestFor(serializer, message);
            byte[] senderEncoded = senderEncoded(sender);
            byte[] manifestEncoded = manifestEncoded(manifest);
            key = new StreamKey(target.remotePathEncoded(), senderEncoded, serializer.identifier(), manifestEncoded);
            while (true) {
                try {
                    b.clear();
                    // Room for the header; writeFrame fills it in if the frame goes as DELIVER.
                    b.position(key.headerEnd());
                    if (serializer instanceof org.apache.pekko.serialization.ByteBufferSerializer bbs) {
                        bbs.toBinary(message, b);
                    } else {
                        b.put(serializer.toBinary(message));
                    }
                    break;
                } catch (BufferOverflowException e) {
                    if (b.capacity() >= 2 * mb.settings().ringBytes()) {
                        throw new MessageTooLargeException("the message does not fit in " + b.capacity() + " bytes");
                    }
                    b = grow(carrier, b, b.capacity() * 2);
                }
            }
        } catch (MessageTooLargeException e) {
            droppedTooLarge.incrementAndGet();
            drop(message, sender, target, "message of class " + message.getClass().getName() + " is larger than the ring to dom"
                    + peerDomid + " can carry (" + maxPayload + " bytes); Lingon does not fragment messages", null);
            return;
        } catch (RuntimeException e) {
            serializationFailures.incrementAndGet();
            mb.reportSerializationFailure(message.getClass(), e);
            drop(message, sender, target, "cannot serialize " + message.getClass().getName() + ": " + e.getMessage(), null);
            return;
        } finally {
            if (restore) {
                dv.value_$eq(previous);
            }
        }
        b.flip();
        if (b.remaining() > maxPayload) {
            droppedTooLarge.incrementAndGet();
            drop(message, sender, target, "message of " + b.remaining() + " bytes (class " + message.getClass().getName()
                    + ") is larger than the " + maxPayload + " bytes a frame to dom" + peerDomid + " can carry; Lingon does not fragment messages", null);
            return;
        }
        synchronized (writeLock) {
            writeLocked(b, key, message, sender, target);
        }
    }

    private static final class MessageTooLargeException extends RuntimeException {
        MessageTooLargeException(String m) {
            super(m);
        }
    }

    private final int maxPayload;

    /** The serializer of the last message's class: a stream sends one class, and Pekko's lookup is a map probe per message. */
    private volatile SerializerFor lastSerializer = new SerializerFor(null, null);

    private record SerializerFor(Class<?> type, Serializer serializer) {
    }

    private Serializer serializerFor(Object message) {
        SerializerFor last = lastSerializer;
        if (last.type() == message.getClass()) {
            return last.serializer();
        }
        Serializer s = mb.serialization().findSerializerFor(message);
        lastSerializer = new SerializerFor(message.getClass(), s);
        return s;
    }

    int maxPayload() {
        return maxPayload;
    }

    /** An encoded string kept for the next message: immutable, so racing senders at worst encode twice. */
    private record Encoded<K>(K key, byte[] bytes) {
    }

    private static final byte[] EMPTY_STRING = WireFormat.encodeString("");
    private volatile Encoded<ActorRef> lastSender = new Encoded<>(null, EMPTY_STRING);
    private volatile Encoded<String> lastManifest = new Encoded<>("", EMPTY_STRING);

    /**
     * The sender's token on the wire. Building it ({@code serializedActorPath}, then UTF-8) costs more
     * than a small message itself, and a stream comes from one sender, so the last one is kept.
     */
    private byte[] senderEncoded(ActorRef sender) {
        if (sender == null || sender == ActorRef.noSender() || sender == mb.deadLetters()) {
            return EMPTY_STRING;
        }
        Encoded<ActorRef> last = lastSender;
        if (last.key() == sender) {
            return last.bytes();
        }
        byte[] bytes = WireFormat.encodeString(Serialization.serializedActorPath(sender));
        lastSender = new Encoded<>(sender, bytes);
        return bytes;
    }

    private byte[] manifestEncoded(String manifest) {
        if (manifest.isEmpty()) {
            return EMPTY_STRING;
        }
        Encoded<String> last = lastManifest;
        if (last.key().equals(manifest)) {
            return last.bytes();
        }
        byte[] bytes = WireFormat.encodeString(manifest);
        lastManifest = new Encoded<>(manifest, bytes);
        return bytes;
    }

    /**
     * Writes a frame now if nothing waits before it and it fits; else queues it (bounded). A DELIVER
     * that continues the stream of the last one written goes as AGAIN. Caller holds writeLock.
     */
    private void writeLocked(ByteBuffer frame, StreamKey key, Object message, ActorRef sender, ActorRef recipient) {
        if (state == State.CLOSED) {
            drop(message, sender, recipient, "channel to dom" + peerDomid + " is closed: " + closeReason, droppedClosed);
            return;
        }
        if (framed != null && pending.isEmpty()) {
            WriteCombining slice = message == null ? null : WriteCombining.current();
            // Frames are built from position 0 of a heap buffer (see scratch); its array goes to the ring as is.
            SendResult r = writeFrame(frame.array(), frame.limit(), key);
            switch (r) {
                case SendResult.Sent s -> {
                    if (slice == null || framed.unpublishedBytes() >= combineLimit()) {
                        framed.publishWritten();
                    } else {
                        slice.hold(this);
                    }
                    return;
                }
                case SendResult.TooLarge t -> {
                    droppedTooLarge.incrementAndGet();
                    drop(message, sender, recipient, "frame of " + t.length() + " bytes exceeds the ring's " + t.max(), null);
                    return;
                }
                case SendResult.RingFull f -> {
                    // Frames this slice holds go out now, so the reader can make room; this one falls
                    // through to the pending queue, and the reader notifies us when it has read.
                    framed.publishWritten();
                }
                case SendResult.Closed c -> {
                    // the channel actor will notice and close; until then keep the frame in order.
                }
            }
        }
        if (pending.size() >= mb.settings().pendingLimit()) {
            droppedRingFull.incrementAndGet();
            drop(message, sender, recipient, "ring full: " + pending.size() + " frames already wait for ring space to dom" + peerDomid, null);
            return;
        }
        byte[] copy = new byte[frame.remaining()];
        frame.get(copy);
        pending.addLast(new Pending(copy, key, message, sender, recipient));
    }

    /**
     * Held bytes beyond which a combined write publishes at once: an eighth of the ring, so the reader
     * starts on a long burst while the writer is still producing it.
     */
    private int combineLimit() {
        return framed.vchan().writeRingSize() >> 3;
    }

    /** Publishes the frames this slice wrote (write combining): the end of a vCPU's slice calls it. */
    @Override
    public void publishHeld() {
        synchronized (writeLock) {
            if (framed != null && state != State.CLOSED) {
                framed.publishWritten();
            }
        }
    }

    /**
     * Writes one whole frame into the ring without publishing it, or nothing: as AGAIN when it
     * continues the stream last written (the payload behind a one-byte header, in the last byte of the
     * header's room), else as DELIVER with its header written into that room first. The room holds
     * nothing anyone reads until this writes it, so an AGAIN byte left there by a refused write is
     * simply overwritten by the next decision. Caller holds writeLock.
     */
    private SendResult writeFrame(byte[] frame, int length, StreamKey key) {
        if (key == null) {
            return counted(framed.tryWrite(frame, 0, length), null);
        }
        if (!key.continues(lastWritten)) {
            WireFormat.deliverHeader(frame, key.recipient(), key.sender(), key.serializerId(), key.manifest());
            return counted(framed.tryWrite(frame, 0, length), key);
        }
        int at = key.headerEnd() - 1;
        frame[at] = WireFrame.AGAIN;
        return counted(framed.tryWrite(frame, at, length - at), key);
    }

    private SendResult counted(SendResult r, StreamKey key) {
        if (r.isSent()) {
            countSent();
            if (key != null) {
                lastWritten = key;
            }
        }
        return r;
    }

    /** Writes queued frames while they fit, then publishes them together. Caller holds writeLock. */
    private void flushLocked() {
        while (framed != null && !pending.isEmpty() && state == State.OPEN) {
            Pending p = pending.peekFirst();
            SendResult r = writeFrame(p.frame(), p.frame().length, p.key());
            if (r instanceof SendResult.Sent) {
                pending.pollFirst();
            } else if (r instanceof SendResult.TooLarge t) {
                pending.pollFirst();
                droppedTooLarge.incrementAndGet();
                drop(p.message(), p.sender(), p.recipient(), "frame of " + t.length() + " bytes exceeds the ring's " + t.max(), null);
            } else {
                break;
            }
        }
        if (framed != null) {
            framed.publishWritten();
        }
    }

    private void writeControl(ByteBuffer b) {
        b.flip();
        synchronized (writeLock) {
            writeLocked(b, null, null, null, null);
        }
    }

    private void drop(Object message, ActorRef sender, ActorRef recipient, String reason, AtomicLong counter) {
        if (counter != null) {
            counter.incrementAndGet();
        }
        if (message == null) {
            log.debug("channel to dom{}: control frame dropped: {}", peerDomid, reason);
            return;
        }
        mb.publishDropped(new Dropped(message, reason, sender == null ? ActorRef.noSender() : sender,
                recipient == null ? mb.deadLetters() : recipient));
    }

    // ================================================================ proxies and watches

    /** The watched proxy of this path if there is one (so its death reaches every holder), else a new one. */
    XenActorRef proxy(ActorPath path, String remotePath) {
        XenActorRef watched = proxies.get(remotePath);
        if (watched != null) {
            return watched;
        }
        XenActorRef p = new XenActorRef(mb.provider(), path, remotePath, this, peerGeneration);
        if (state == State.CLOSED) {
            p.markTerminated();
        }
        return p;
    }

    /** Proxies this channel keeps (the watched ones), for tests. */
    int proxiesForTest() {
        return proxies.size();
    }

    void watch(XenActorRef proxy, InternalActorRef watcher) {
        boolean first;
        boolean deadAlready;
        synchronized (watchLock) {
            deadAlready = proxy.isTerminated() || state == State.CLOSED;
            if (!deadAlready) {
                LinkedHashSet<InternalActorRef> set = watchers.computeIfAbsent(proxy, x -> new LinkedHashSet<>());
                first = set.isEmpty();
                set.add(watcher);
                proxies.putIfAbsent(proxy.remotePath(), proxy);
            } else {
                first = false;
            }
        }
        if (deadAlready) {
            watcher.sendSystemMessage(new DeathWatchNotification(proxy, false, state == State.CLOSED));
            return;
        }
        if (first) {
            ByteBuffer b = scratch();
            WireFormat.watch(b, WireFrame.WATCH, proxy.remotePath(), "");
            writeControl(b);
        }
    }

    void unwatch(XenActorRef proxy, InternalActorRef watcher) {
        boolean last = false;
        synchronized (watchLock) {
            LinkedHashSet<InternalActorRef> set = watchers.get(proxy);
            if (set != null && set.remove(watcher) && set.isEmpty()) {
                watchers.remove(proxy);
                proxies.remove(proxy.remotePath());
                last = true;
            }
        }
        if (last && state != State.CLOSED) {
            ByteBuffer b = scratch();
            WireFormat.watch(b, WireFrame.UNWATCH, proxy.remotePath(), "");
            writeControl(b);
        }
    }

    private void reportDeath(XenActorRef proxy, boolean existenceConfirmed, boolean addressTerminated) {
        proxy.markTerminated();
        LinkedHashSet<InternalActorRef> set;
        synchronized (watchLock) {
            set = watchers.remove(proxy);
            proxies.remove(proxy.remotePath());
        }
        if (set != null) {
            for (InternalActorRef w : set) {
                w.sendSystemMessage(new DeathWatchNotification(proxy, existenceConfirmed, addressTerminated));
            }
        }
    }

    // ================================================================ inbound (channel actor)

    /** Frames handled in the last service call (to decide whether to yield and continue). */
    private int handled;
    private String failure;

    /**
     * One turn of the channel actor: read up to a batch of frames, flush pending writes, and close if
     * the peer has gone. Returns true if more frames may be waiting.
     */
    boolean service(LocalWatcher watcher) {
        Vchan v;
        FramedVchan f;
        synchronized (writeLock) {
            v = vchan;
            f = framed;
        }
        if (state == State.CLOSED || f == null) {
            return false;
        }
        handled = 0;
        failure = null;
        currentWatcher = watcher;
        // Deserializers that meet actor references need the transport information; set once per batch.
        var dv = org.apache.pekko.serialization.Serialization$.MODULE$.currentTransportInformation();
        Serialization.Information previous = dv.value();
        dv.value_$eq(mb.transportInformation());
        int n;
        try {
            n = f.drain(frameHandler, mb.settings().drainBatch());
        } finally {
            dv.value_$eq(previous);
            currentWatcher = null;
        }
        if (failure != null) {
            close("malformed frame from dom" + peerDomid + ": " + failure);
            malformed.incrementAndGet();
            return false;
        }
        ReceiveResult last = f.lastResult();
        if (last instanceof ReceiveResult.Corrupt c) {
            malformed.incrementAndGet();
            close("corrupt ring from dom" + peerDomid + ": " + c.reason());
            return false;
        }
        synchronized (writeLock) {
            flushLocked();
        }
        if (last instanceof ReceiveResult.Closed || (!v.isOpen() && !(last instanceof ReceiveResult.Received))) {
            close("dom" + peerDomid + " closed the channel or died");
            return false;
        }
        return n >= mb.settings().drainBatch();
    }

    /** Watches local actors on behalf of the peer; implemented by the channel actor. */
    interface LocalWatcher {
        void watch(ActorRef local);

        void unwatch(ActorRef local);
    }

    private LocalWatcher currentWatcher;

    private final FramedVchan.FrameHandler frameHandler = this::onFrame;

    /** A view of the reader's frame buffer, made once per buffer rather than once per frame. */
    private MemorySegment frameSegment;
    private ByteBuffer frameView;
    private byte[] frameArray;

    private void onFrame(MemorySegment payload, int length) {
        if (failure != null) {
            return;
        }
        handled++;
        if (payload != frameSegment) {
            frameSegment = payload;
            frameView = payload.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            frameArray = frameView.hasArray() ? frameView.array() : null;
        }
        // A stream's common case, an AGAIN frame read by lingon-kryo, goes straight from the frame's
        // array to the serializer: no frame record, no buffer view, no serializer lookup per message.
        if (length > 0 && frameArray != null && streamKnown && streamKryo != null
                && frameArray[frameView.arrayOffset()] == WireFrame.AGAIN) {
            Object message;
            try {
                message = streamKryo.fromBinary(frameArray, frameView.arrayOffset() + 1, length - 1);
            } catch (RuntimeException e) {
                failure = cannotDeserialize(e);
                return;
            }
            delivered(message);
            return;
        }
        ByteBuffer bb = frameView.clear().limit(length);
        WireFrame frame;
        try {
            frame = WireFormat.decode(bb);
        } catch (WireFormat.MalformedFrameException e) {
            failure = e.getMessage();
            return;
        }
        switch (frame) {
            case WireFrame.Hello h -> {
                if (h.domid() != peerDomid) {
                    failure = "HELLO names dom" + h.domid() + " on the channel to dom" + peerDomid;
                } else if (h.generation() != peerGeneration && peerGeneration != XenMailboxes.UNKNOWN_GENERATION) {
                    failure = "HELLO from generation " + h.generation() + " but this channel was opened to generation " + peerGeneration;
                } else {
                    peerSystem = h.systemName();
                }
            }
            case WireFrame.Deliver d -> deliver(d);
            case WireFrame.Again a -> again(a.payload());
            case WireFrame.Watch w -> {
                ActorRef target = mb.provider().resolveLocal(org.apache.pekko.actor.ActorPaths.fromString(w.watchee()));
                if (target == mb.deadLetters() || target.isTerminated() || !(target instanceof InternalActorRef)) {
                    ByteBuffer b = scratch();
                    WireFormat.death(b, w.watchee());
                    writeControl(b);
                } else if (!watchedForPeer.containsKey(target)) {
                    watchedForPeer.put(target, w.watchee());
                    currentWatcher.watch(target);
                }
            }
            case WireFrame.Unwatch u -> {
                ActorRef target = null;
                for (Map.Entry<ActorRef, String> e : watchedForPeer.entrySet()) {
                    if (e.getValue().equals(u.watchee())) {
                        target = e.getKey();
                        break;
                    }
                }
                if (target != null) {
                    watchedForPeer.remove(target);
                    currentWatcher.unwatch(target);
                }
            }
            case WireFrame.Death d -> {
                XenActorRef p = proxyByRemotePath(d.path());
                if (p != null) {
                    reportDeath(p, true, false);
                }
            }
            case WireFrame.Goodbye g -> failure = null;
        }
    }

    private XenActorRef proxyByRemotePath(String remotePath) {
        return proxies.get(remotePath);
    }

    /** The last recipient, by its wire bytes: consecutive messages to one actor skip decoding and lookup. */
    private ByteBuffer lastRecipientBytes;
    private ActorRef lastRecipient;

    private ActorRef recipient(ByteBuffer raw) {
        if (lastRecipient != null && raw.equals(lastRecipientBytes) && !lastRecipient.isTerminated()) {
            return lastRecipient;
        }
        String path = WireFormat.utf8(raw);
        ActorRef recipient = recipientCache.get(path);
        if (recipient == null || recipient.isTerminated()) {
            recipient = mb.provider().resolveLocal(org.apache.pekko.actor.ActorPaths.fromString(path));
            if (recipientCache.size() > 10_000) {
                recipientCache.clear();
            }
            recipientCache.put(path, recipient);
        }
        lastRecipientBytes = copyOf(raw);
        lastRecipient = recipient;
        return recipient;
    }

    /** The last sender and manifest, by their wire bytes: a stream repeats them, so decode each once. */
    private ByteBuffer lastSenderBytes;
    private ActorRef lastSenderRef;
    private ByteBuffer lastManifestBytes;
    private String lastManifestString;

    private ActorRef sender(ByteBuffer raw) {
        if (!raw.hasRemaining()) {
            return ActorRef.noSender();
        }
        if (lastSenderRef != null && raw.equals(lastSenderBytes)) {
            return lastSenderRef;
        }
        ActorRef sender = mb.provider().resolveActorRef(WireFormat.utf8(raw));
        lastSenderBytes = copyOf(raw);
        lastSenderRef = sender;
        return sender;
    }

    private String manifest(ByteBuffer raw) {
        if (!raw.hasRemaining()) {
            return "";
        }
        if (lastManifestString != null && raw.equals(lastManifestBytes)) {
            return lastManifestString;
        }
        lastManifestString = WireFormat.utf8(raw);
        lastManifestBytes = copyOf(raw);
        return lastManifestString;
    }

    private static ByteBuffer copyOf(ByteBuffer raw) {
        byte[] copy = new byte[raw.remaining()];
        raw.duplicate().get(copy);
        return ByteBuffer.wrap(copy);
    }

    /** What the last DELIVER named, for the AGAIN frames that follow it. */
    private boolean streamKnown;
    private ActorRef streamRecipient;
    private ActorRef streamSender;
    private int streamSerializerId;
    private Serializer streamSerializer;
    /** {@link #streamSerializer} when it is lingon-kryo, which reads a frame's array directly; else null. */
    private KryoSerializer streamKryo;
    private String streamManifest;

    private void deliver(WireFrame.Deliver d) {
        streamKnown = false;
        int id = d.serializerId();
        if (streamSerializer == null || streamSerializerId != id) {
            scala.Option<Serializer> s = mb.serialization().serializerByIdentity().get(id);
            if (s.isEmpty()) {
                failure = "a message for " + WireFormat.utf8(d.recipient()) + " names serializer " + id
                        + ", which this domain does not have; register the same serializers on both sides";
                return;
            }
            streamSerializer = s.get();
            streamSerializerId = id;
            streamKryo = streamSerializer instanceof KryoSerializer k ? k : null;
        }
        streamRecipient = recipient(d.recipient());
        streamSender = sender(d.sender());
        streamManifest = manifest(d.manifest());
        streamKnown = true;
        again(d.payload());
    }

    /** Delivers a payload to the stream's recipient, from its sender. */
    private void again(ByteBuffer payload) {
        if (!streamKnown) {
            failure = "an AGAIN frame with no DELIVER before it to say its recipient";
            return;
        }
        Object message;
        try {
            message = streamSerializer instanceof org.apache.pekko.serialization.ByteBufferSerializer bbs
                    ? bbs.fromBinary(payload, streamManifest)
                    : mb.serialization().deserializeByteBuffer(payload, streamSerializerId, streamManifest);
        } catch (RuntimeException | java.io.NotSerializableException e) {
            failure = cannotDeserialize(e);
            return;
        }
        delivered(message);
    }

    private void delivered(Object message) {
        streamRecipient.tell(message, streamSender);
        RECEIVED.setOpaque(this, received + 1);
    }

    private String cannotDeserialize(Exception e) {
        return "cannot deserialize a message for " + streamRecipient.path() + " (serializer " + streamSerializerId
                + ", manifest '" + streamManifest + "'): " + e;
    }

    /** A local actor the peer watched has terminated: tell the peer. */
    void localTerminated(ActorRef local) {
        String path = watchedForPeer.remove(local);
        if (path != null && state != State.CLOSED) {
            ByteBuffer b = scratch();
            WireFormat.death(b, path);
            writeControl(b);
        }
    }

    // ================================================================ close

    /** Closes the channel: everything queued goes to dead letters, every watched remote actor is reported terminated. */
    void close(String reason) {
        List<Pending> dropped;
        Vchan v;
        synchronized (writeLock) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            closeReason = reason;
            dropped = new ArrayList<>(pending);
            pending.clear();
            v = vchan;
        }
        log.info("mailbox channel dom{} <-> dom{} closed: {}", mb.domain().domid(), peerDomid, reason);
        for (Pending p : dropped) {
            drop(p.message(), p.sender(), p.recipient(), "channel to dom" + peerDomid + " closed: " + reason, droppedClosed);
        }
        List<XenActorRef> ps = new ArrayList<>(proxies.values());
        for (XenActorRef p : ps) {
            reportDeath(p, false, true);
        }
        if (v != null) {
            mb.binder().unbind(v.eventPort());
            v.close();
        }
        mb.channelClosed(this);
    }

    /** Test hook: bytes written into the ring to the peer so far. */
    long bytesWrittenForTest() {
        synchronized (writeLock) {
            return framed == null ? 0 : framed.bytesWritten();
        }
    }

    /** Test hook: a frame of arbitrary bytes, as a buggy or hostile peer would write it. */
    boolean writeRawForTest(byte[] frame) {
        synchronized (writeLock) {
            return framed != null && framed.trySend(frame).isSent();
        }
    }

    ChannelStats stats() {
        int p;
        synchronized (writeLock) {
            p = pending.size();
        }
        return new ChannelStats(peerDomid, state.name().toLowerCase(java.util.Locale.ROOT), (long) SENT.getOpaque(this), (long) RECEIVED.getOpaque(this), p,
                droppedRingFull.get(), droppedTooLarge.get(), droppedClosed.get(), serializationFailures.get(), malformed.get());
    }

    @Override
    public String toString() {
        return "mailbox channel dom" + mb.domain().domid() + " -> dom" + peerDomid;
    }

    int eventPortOrZero() {
        synchronized (writeLock) {
            return vchan == null ? 0 : vchan.eventPort();
        }
    }
}
