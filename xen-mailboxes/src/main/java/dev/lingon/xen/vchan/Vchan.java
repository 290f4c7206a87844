package dev.lingon.xen.vchan;

import static dev.lingon.xen.layout.VchanLayout.*;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.GrantTable;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One end of a vchan: two byte rings on pages the server grants, with an event channel as doorbell,
 * set up through XenStore — libxenvchan ({@code tools/libs/vchan}) on the Lingon Xen model, byte for
 * byte in its {@link dev.lingon.xen.layout.VchanLayout} page.
 *
 * <p>Setup. The server allocates an unbound port for the client, grants the shared page (and, for
 * rings of order ≥ 12, 2^(order−12) pages per ring) to the client, marks {@code cli_live = 2} and
 * writes {@code <path>/ring-ref} and {@code <path>/event-channel}, owned by itself and readable by the
 * client, in a transaction retried on EAGAIN. The client reads them, binds the port, maps the page
 * (its write ring read-write, its read ring read-only), sets {@code cli_live = 1} and kicks the server.
 * The server reads the left ring (client → server) and writes the right one. Each side registers an
 * unmap notification on its live byte, so when its domain is destroyed the byte drops to 0 and the
 * peer is kicked.
 *
 * <p>Notification avoidance: a reader that wants more data sets NOTIFY_WRITE in the peer's notify
 * byte and re-reads the indexes; a writer fetch-and-clears NOTIFY_WRITE in its own byte after
 * publishing and sends an event only if it was set. Symmetrically for space (NOTIFY_READ). A full ring
 * is back-pressure: {@link #send} writes all or nothing and {@link #write} writes what fits.
 *
 * <p>Waiting. The vchan's port stays masked and {@link #awaitEvent} waits with {@code SCHEDOP_poll} on
 * the vCPU given at setup, so a vchan used from plain threads does not disturb the domain's upcall
 * scan; a mailbox layer that wants the scheduler to deliver the port unmasks it itself.
 *
 * <p>Threads: one reader and one writer at a time (they may be different threads); setup and close on
 * any one thread.
 */
public final class Vchan implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Vchan.class);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final XenDomain dom;
    private final boolean server;
    private final int peerDomid;
    private final String xsPath;
    private final int port;
    private final int vcpu;
    private final int[] pollPorts;
    private final MemorySegment shared;
    private final ByteRing read;
    private final ByteRing write;
    /** Server: grant refs of the shared page and ring pages. Client: map handles. */
    private final List<Integer> grantsOrHandles;
    /** Server: frames to free once access ended. */
    private final List<Integer> frames;
    private final AutoCloseable unmapNotify;
    private final dev.lingon.xen.api.Hypervisor hv;
    /** Writer-owned: its producer index, ahead of the shared one while a fault holds back publication. */
    private int localProd;
    /** Writer-owned: the reader's consumer index as last read; re-read only when it shows too little space. */
    private int consCache;
    /** Reader-owned: its consumer index (it is the only writer of the shared one). */
    private int localCons;
    /** Reader-owned: the writer's producer index as last read; re-read only when it shows too little data. */
    private int prodCache;
    private volatile boolean closed;

    private Vchan(XenDomain dom, boolean server, int peerDomid, String xsPath, int port, int vcpu,
                  MemorySegment shared, ByteRing read, ByteRing write, List<Integer> grantsOrHandles,
                  List<Integer> frames, AutoCloseable unmapNotify) {
        this.dom = dom;
        this.server = server;
        this.peerDomid = peerDomid;
        this.xsPath = xsPath;
        this.port = port;
        this.vcpu = vcpu;
        this.pollPorts = new int[] {port};
        this.shared = shared;
        this.read = read;
        this.write = write;
        this.grantsOrHandles = grantsOrHandles;
        this.frames = frames;
        this.unmapNotify = unmapNotify;
        this.hv = dom.hypervisor();
        this.localProd = write.prod();
        this.consCache = write.cons();
        this.localCons = read.cons();
        this.prodCache = read.prod();
    }

    // ================================================================ setup

    /** {@code min_order}: the smallest order ≥ PAGE_SHIFT holding {@code size} bytes. */
    static int minOrder(int size) {
        int rv = PAGE_SHIFT;
        while (size > (1 << rv)) {
            rv++;
        }
        return rv;
    }

    /**
     * The ring orders libxenvchan's server picks for minimum sizes: in-page rings when they fit (the
     * right ring takes the 2 KiB slot when both are small), else whole pages.
     * @return {leftOrder, rightOrder}
     */
    public static int[] chooseOrders(int leftMin, int rightMin) {
        int left = minOrder(leftMin);
        int right = minOrder(rightMin);
        if (leftMin <= MAX_SMALL_RING && rightMin <= MAX_LARGE_RING) {
            left = SMALL_RING_SHIFT;
            right = LARGE_RING_SHIFT;
        } else if (leftMin <= MAX_LARGE_RING && rightMin <= MAX_SMALL_RING) {
            left = LARGE_RING_SHIFT;
            right = SMALL_RING_SHIFT;
        } else if (leftMin <= MAX_LARGE_RING) {
            left = LARGE_RING_SHIFT;
        } else if (rightMin <= MAX_LARGE_RING) {
            right = LARGE_RING_SHIFT;
        }
        return new int[] {left, right};
    }

    /** {@link #server(XenDomain, int, String, int, int, int)} waiting on vCPU 0. */
    public static Result<Vchan> server(XenDomain dom, int clientDomid, String xsPath, int leftMin, int rightMin) {
        return server(dom, clientDomid, xsPath, leftMin, rightMin, 0);
    }

    /**
     * {@code libxenvchan_server_init}: offers a vchan to {@code clientDomid} at {@code xsPath}.
     * {@code leftMin} is the least capacity of the ring the server reads, {@code rightMin} of the one it
     * writes; each at most 1 MiB.
     */
    public static Result<Vchan> server(XenDomain dom, int clientDomid, String xsPath, int leftMin, int rightMin, int vcpu) {
        if (leftMin < 0 || rightMin < 0 || leftMin > MAX_RING_SIZE || rightMin > MAX_RING_SIZE) {
            throw new IllegalArgumentException("vchan ring sizes must be 0.." + MAX_RING_SIZE + " bytes, got " + leftMin + " and " + rightMin);
        }
        checkVcpu(dom, vcpu);
        int[] orders = chooseOrders(leftMin, rightMin);
        int leftOrder = orders[0];
        int rightOrder = orders[1];

        Result<Integer> p = dom.evtchn().allocUnbound(clientDomid);
        if (!p.isOk()) {
            return Result.err(p.errno(), "vchan server: alloc_unbound for dom" + clientDomid + " failed");
        }
        int port = p.orThrow();
        dom.evtchn().mask(port);

        GrantTable gt = dom.gnttab();
        Memory mem = dom.memory();
        List<Integer> refs = new ArrayList<>();
        List<Integer> frames = new ArrayList<>();
        Runnable undo = () -> {
            for (int r : refs) {
                gt.endAccessDeferred(r);
            }
            for (int f : frames) {
                mem.freePage(f);
            }
            dom.evtchn().close(port);
        };

        Result<Memory.Page> pg = mem.allocPage();
        if (!pg.isOk()) {
            undo.run();
            return Result.err(pg.errno(), "vchan server: no page for the shared ring page");
        }
        MemorySegment shared = pg.orThrow().segment();
        frames.add(pg.orThrow().frame());
        Result<Integer> ringRef = gt.grantAccess(clientDomid, pg.orThrow().frame(), false);
        if (!ringRef.isOk()) {
            undo.run();
            return Result.err(ringRef.errno(), "vchan server: cannot grant the shared page");
        }
        refs.add(ringRef.orThrow());

        shared.fill((byte) 0);
        shared.set(ValueLayout.JAVA_SHORT, LEFT_ORDER_OFFSET, (short) leftOrder);
        shared.set(ValueLayout.JAVA_SHORT, RIGHT_ORDER_OFFSET, (short) rightOrder);
        setByte(shared, CLI_LIVE_OFFSET, LIVE_CLIENT_NOT_YET_CONNECTED);
        setByte(shared, SRV_LIVE_OFFSET, LIVE_CONNECTED);
        setByte(shared, CLI_NOTIFY_OFFSET, VCHAN_NOTIFY_WRITE);

        int pagesLeft = leftOrder >= PAGE_SHIFT ? 1 << (leftOrder - PAGE_SHIFT) : 0;
        int pagesRight = rightOrder >= PAGE_SHIFT ? 1 << (rightOrder - PAGE_SHIFT) : 0;
        if (pagesLeft + pagesRight > MAX_GRANTS) {
            undo.run();
            throw new IllegalArgumentException("vchan rings need " + (pagesLeft + pagesRight) + " grants; the page lists at most " + MAX_GRANTS);
        }
        MemorySegment[] leftChunks = ringChunks(shared, leftOrder);
        MemorySegment[] rightChunks = ringChunks(shared, rightOrder);
        int g = 0;
        for (MemorySegment[] chunks : new MemorySegment[][] {leftOrder >= PAGE_SHIFT ? leftChunks : null, rightOrder >= PAGE_SHIFT ? rightChunks : null}) {
            if (chunks == null) {
                continue;
            }
            for (int i = 0; i < chunks.length; i++) {
                Result<Memory.Page> rp = mem.allocPage();
                if (!rp.isOk()) {
                    undo.run();
                    return Result.err(rp.errno(), "vchan server: no page for a ring");
                }
                frames.add(rp.orThrow().frame());
                Result<Integer> r = gt.grantAccess(clientDomid, rp.orThrow().frame(), false);
                if (!r.isOk()) {
                    undo.run();
                    return Result.err(r.errno(), "vchan server: cannot grant a ring page");
                }
                refs.add(r.orThrow());
                shared.set(ValueLayout.JAVA_INT, grantOffset(g++), r.orThrow());
                chunks[i] = rp.orThrow().segment();
            }
        }
        ByteRing left = new ByteRing(shared, LEFT_CONS_OFFSET, LEFT_PROD_OFFSET, leftChunks, leftOrder);
        ByteRing right = new ByteRing(shared, RIGHT_CONS_OFFSET, RIGHT_PROD_OFFSET, rightChunks, rightOrder);

        Errno xs = publish(dom.store(), dom.domid(), clientDomid, xsPath, ringRef.orThrow(), port);
        if (!xs.isOk()) {
            undo.run();
            return Result.err(xs, "vchan server: cannot publish " + xsPath + " in XenStore");
        }
        AutoCloseable notify = gt.unmapNotify(shared, SRV_LIVE_OFFSET, port);
        log.debug("dom{} vchan server at {} for dom{}: orders {}/{}, port {}", dom.domid(), xsPath, clientDomid, leftOrder, rightOrder, port);
        return Result.ok(new Vchan(dom, true, clientDomid, xsPath, port, vcpu, shared, left, right, refs, frames, notify));
    }

    /** Chunks for a ring: a slice of the shared page for orders 10 and 11, else slots to fill with pages. */
    private static MemorySegment[] ringChunks(MemorySegment shared, int order) {
        return switch (order) {
            case SMALL_RING_SHIFT -> new MemorySegment[] {shared.asSlice(SMALL_RING_OFFSET, MAX_SMALL_RING)};
            case LARGE_RING_SHIFT -> new MemorySegment[] {shared.asSlice(LARGE_RING_OFFSET, MAX_LARGE_RING)};
            default -> new MemorySegment[1 << (order - PAGE_SHIFT)];
        };
    }

    /** {@code init_xs_srv}: ring-ref and event-channel, owned by us, readable by the client, in a retried transaction. */
    private static Errno publish(XenStore xs, int self, int client, String path, int ringRef, int port) {
        List<XsPermission> perms = List.of(XsPermission.none(self), XsPermission.read(client));
        while (true) {
            Result<Integer> t = xs.transactionStart();
            if (!t.isOk()) {
                return t.errno();
            }
            int tx = t.orThrow();
            Errno e = writeWithPerms(xs, tx, path + "/ring-ref", Integer.toString(ringRef), perms);
            if (e.isOk()) {
                e = writeWithPerms(xs, tx, path + "/event-channel", Integer.toString(port), perms);
            }
            if (!e.isOk()) {
                xs.transactionEnd(tx, false);
                return e;
            }
            Errno end = xs.transactionEnd(tx, true).errno();
            if (end != Errno.EAGAIN) {
                return end;
            }
        }
    }

    private static Errno writeWithPerms(XenStore xs, int tx, String path, String value, List<XsPermission> perms) {
        Errno e = xs.write(tx, path, value).errno();
        return e.isOk() ? xs.setPermissions(tx, path, perms).errno() : e;
    }

    /** {@link #client(XenDomain, int, String, int)} waiting on vCPU 0. */
    public static Result<Vchan> client(XenDomain dom, int serverDomid, String xsPath) {
        return client(dom, serverDomid, xsPath, 0);
    }

    /**
     * {@code libxenvchan_client_init}: connects to the vchan {@code serverDomid} offers at {@code xsPath}.
     * ENOENT/EACCES when the entries are missing or unreadable, EINVAL for bad entries or ring orders,
     * EIO when the map is refused (the detail names the GNTST code).
     */
    public static Result<Vchan> client(XenDomain dom, int serverDomid, String xsPath, int vcpu) {
        checkVcpu(dom, vcpu);
        XenStore xs = dom.store();
        Result<String> refText = xs.read(xsPath + "/ring-ref");
        if (!refText.isOk()) {
            return Result.err(refText.errno(), "vchan client: cannot read " + xsPath + "/ring-ref");
        }
        Result<String> portText = xs.read(xsPath + "/event-channel");
        if (!portText.isOk()) {
            return Result.err(portText.errno(), "vchan client: cannot read " + xsPath + "/event-channel");
        }
        int ringRef = atoi(refText.orThrow());
        int remotePort = atoi(portText.orThrow());
        if (ringRef == 0 || remotePort == 0) {
            return Result.err(Errno.EINVAL, "vchan client: " + xsPath + " has ring-ref '" + refText.orThrow()
                    + "' and event-channel '" + portText.orThrow() + "'");
        }
        Result<Integer> bound = dom.evtchn().bindInterdomain(serverDomid, remotePort);
        if (!bound.isOk()) {
            return Result.err(bound.errno(), "vchan client: cannot bind port " + remotePort + " of dom" + serverDomid);
        }
        int port = bound.orThrow();
        dom.evtchn().mask(port);

        GrantTable gt = dom.gnttab();
        List<Integer> handles = new ArrayList<>();
        Runnable undo = () -> {
            for (int h : handles) {
                gt.unmap(h);
            }
            dom.evtchn().close(port);
        };
        MapResult m = gt.map(serverDomid, ringRef, false);
        if (!(m instanceof MapResult.Mapped mapped)) {
            undo.run();
            return Result.err(Errno.EIO, "vchan client: map of ring-ref " + ringRef + " of dom" + serverDomid + " refused: " + m.status());
        }
        handles.add(mapped.handle());
        MemorySegment shared = mapped.page();
        int writeOrder = shared.get(ValueLayout.JAVA_SHORT, LEFT_ORDER_OFFSET) & 0xFFFF;
        int readOrder = shared.get(ValueLayout.JAVA_SHORT, RIGHT_ORDER_OFFSET) & 0xFFFF;
        if (writeOrder < SMALL_RING_SHIFT || writeOrder > MAX_RING_SHIFT
                || readOrder < SMALL_RING_SHIFT || readOrder > MAX_RING_SHIFT
                || (readOrder == writeOrder && readOrder < PAGE_SHIFT)) {
            undo.run();
            return Result.err(Errno.EINVAL, "vchan client: the shared page has impossible ring orders " + writeOrder + "/" + readOrder);
        }
        int g = 0;
        MemorySegment[] writeChunks = ringChunks(shared, writeOrder);
        MemorySegment[] readChunks = ringChunks(shared, readOrder);
        for (int side = 0; side < 2; side++) {
            int order = side == 0 ? writeOrder : readOrder;
            MemorySegment[] chunks = side == 0 ? writeChunks : readChunks;
            if (order < PAGE_SHIFT) {
                continue;
            }
            for (int i = 0; i < chunks.length; i++) {
                int ref = shared.get(ValueLayout.JAVA_INT, grantOffset(g++));
                // The client writes the left ring and only reads the right one, as libxenvchan maps them.
                MapResult rm = gt.map(serverDomid, ref, side == 1);
                if (!(rm instanceof MapResult.Mapped rmapped)) {
                    undo.run();
                    return Result.err(Errno.EIO, "vchan client: map of ring page ref " + ref + " refused: " + rm.status());
                }
                handles.add(rmapped.handle());
                chunks[i] = rmapped.page();
            }
        }
        ByteRing writeRing = new ByteRing(shared, LEFT_CONS_OFFSET, LEFT_PROD_OFFSET, writeChunks, writeOrder);
        ByteRing readRing = new ByteRing(shared, RIGHT_CONS_OFFSET, RIGHT_PROD_OFFSET, readChunks, readOrder);

        setByte(shared, CLI_LIVE_OFFSET, LIVE_CONNECTED);
        setByte(shared, SRV_NOTIFY_OFFSET, VCHAN_NOTIFY_WRITE);
        AutoCloseable notify = gt.unmapNotify(shared, CLI_LIVE_OFFSET, port);
        dom.evtchn().send(port);
        log.debug("dom{} vchan client of dom{} at {}: orders {}/{}, port {}", dom.domid(), serverDomid, xsPath, writeOrder, readOrder, port);
        return Result.ok(new Vchan(dom, false, serverDomid, xsPath, port, vcpu, shared, readRing, writeRing, handles, List.of(), notify));
    }

    private static int atoi(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void checkVcpu(XenDomain dom, int vcpu) {
        if (vcpu < 0 || vcpu >= dom.vcpus()) {
            throw new IllegalArgumentException("dom" + dom.domid() + " has no vCPU " + vcpu);
        }
    }

    // ================================================================ flags byte helpers

    private static int byteOf(MemorySegment shared, int offset) {
        int w = (int) INT.getVolatile(shared, (long) FLAGS_WORD_OFFSET);
        return (w >>> shiftInFlagsWord(offset)) & 0xFF;
    }

    private static void setByte(MemorySegment shared, int offset, int value) {
        int shift = shiftInFlagsWord(offset);
        while (true) {
            int w = (int) INT.getVolatile(shared, (long) FLAGS_WORD_OFFSET);
            int nw = (w & ~(0xFF << shift)) | ((value & 0xFF) << shift);
            if (INT.compareAndSet(shared, (long) FLAGS_WORD_OFFSET, w, nw)) {
                return;
            }
        }
    }

    /** {@code request_notify}: set the bit in the peer's notify byte. */
    private void requestNotify(int bit) {
        int offset = server ? CLI_NOTIFY_OFFSET : SRV_NOTIFY_OFFSET;
        INT.getAndBitwiseOr(shared, (long) FLAGS_WORD_OFFSET, bit << shiftInFlagsWord(offset));
    }

    /**
     * {@code send_notify}: fetch-and-clear the bit in our own notify byte; send an event only if it was
     * set. The caller's index store is volatile, and so is the load here: if the peer set the bit
     * before our store it is seen, otherwise the peer's re-read of the index (after its own atomic
     * set) sees our store. So a plain load that finds the bit clear may skip the locked operation.
     */
    private void sendNotify(int bit) {
        int offset = server ? SRV_NOTIFY_OFFSET : CLI_NOTIFY_OFFSET;
        int shifted = bit << shiftInFlagsWord(offset);
        if (((int) INT.getVolatile(shared, (long) FLAGS_WORD_OFFSET) & shifted) == 0) {
            return;
        }
        int prev = (int) INT.getAndBitwiseAnd(shared, (long) FLAGS_WORD_OFFSET, ~shifted);
        if ((prev & shifted) != 0) {
            dom.evtchn().send(port);
        }
    }

    // ================================================================ state

    /**
     * {@code libxenvchan_is_open}: the server sees the client's live byte (2 = not yet connected still
     * counts as open), the client the server's. False after this end was closed.
     */
    public boolean isOpen() {
        if (closed) {
            return false;
        }
        return byteOf(shared, server ? CLI_LIVE_OFFSET : SRV_LIVE_OFFSET) != LIVE_EXITED;
    }

    /** Whether this end was closed (its pages given up); unlike {@link #isOpen} it reads nothing shared. */
    boolean closedHere() {
        return closed;
    }

    /** The peer's live byte: 0 exited, 1 connected, 2 (client only) not yet connected. */
    public int peerLive() {
        return byteOf(shared, server ? CLI_LIVE_OFFSET : SRV_LIVE_OFFSET);
    }

    public boolean isServer() {
        return server;
    }

    public int peerDomid() {
        return peerDomid;
    }

    public int eventPort() {
        return port;
    }

    public String xsPath() {
        return xsPath;
    }

    public int readRingSize() {
        return read.size();
    }

    public int writeRingSize() {
        return write.size();
    }

    /** {@code libxenvchan_data_ready}: requests a notification, then answers the readable bytes. */
    public int dataReady() {
        requestNotify(VCHAN_NOTIFY_WRITE);
        prodCache = read.prod();
        return ready();
    }

    /** {@code libxenvchan_buffer_space}: requests a notification, then answers the writable bytes. */
    public int bufferSpace() {
        requestNotify(VCHAN_NOTIFY_READ);
        consCache = write.cons();
        return space();
    }

    /** Readable bytes by the cached producer index; 0 when the indexes are impossible (libxenvchan locks up rather than misreads). */
    private int ready() {
        int r = prodCache - localCons;
        return Integer.compareUnsigned(r, read.size()) > 0 ? 0 : r;
    }

    private int space() {
        int s = write.size() - (localProd - consCache);
        return Integer.compareUnsigned(s, write.size()) > 0 ? 0 : s;
    }

    /** Readable bytes by the producer index as last read: no shared read. */
    int cachedReady() {
        return ready();
    }

    int fastDataReady(int request) {
        int r = pollDataReady(request);
        if (r >= request) {
            return r;
        }
        requestNotify(VCHAN_NOTIFY_WRITE);
        // The writer may have published between our read and the request, without seeing it: re-read.
        prodCache = read.prod();
        return ready();
    }

    /**
     * Readable bytes, re-reading the producer index when the cached one shows too little, without
     * asking the writer for a notification: for a reader that keeps polling and will not wait. Xen's
     * ring consumers arm their event only in the final check before going idle
     * ({@code RING_FINAL_CHECK_FOR_REQUESTS}); a spinning reader that armed on every empty look
     * would make the writer clear the bit and send an event for nearly every frame.
     */
    int pollDataReady(int request) {
        int r = ready();
        if (r >= request) {
            return r;
        }
        prodCache = read.prod();
        return ready();
    }

    /** As {@link #pollDataReady}, for space: re-reads the consumer index when needed, asks for nothing. */
    int pollBufferSpace(int request) {
        int s = space();
        if (s >= request) {
            return s;
        }
        consCache = write.cons();
        return space();
    }

    int fastBufferSpace(int request) {
        int s = pollBufferSpace(request);
        if (s >= request) {
            return s;
        }
        requestNotify(VCHAN_NOTIFY_READ);
        consCache = write.cons();
        return space();
    }

    /** True when the read ring's indexes are impossible: the peer wrote garbage over them. */
    public boolean readRingCorrupt() {
        return Integer.compareUnsigned(read.prod() - localCons, read.size()) > 0;
    }

    /** The reader's consumer index. */
    int localCons() {
        return localCons;
    }

    // ================================================================ data

    /**
     * {@code libxenvchan_send} (non-blocking): writes all {@code len} bytes or none. Returns {@code len},
     * 0 when the ring lacks space (always, for a packet larger than the ring), -1 when closed.
     */
    public int send(MemorySegment src, long offset, int len) {
        if (!isOpen()) {
            return -1;
        }
        if (fastBufferSpace(len) < len) {
            return 0;
        }
        write.put(localProd, src, offset, len);
        localProd += len;
        publish(len);
        return len;
    }

    public int send(byte[] src, int offset, int len) {
        return send(MemorySegment.ofArray(src), offset, len);
    }

    /** {@code libxenvchan_write} (non-blocking): writes what fits. Returns bytes written, -1 when closed. */
    public int write(MemorySegment src, long offset, int len) {
        if (!isOpen()) {
            return -1;
        }
        int n = Math.min(len, fastBufferSpace(len));
        if (n == 0) {
            return 0;
        }
        write.put(localProd, src, offset, n);
        localProd += n;
        publish(n);
        return n;
    }

    public int write(byte[] src, int offset, int len) {
        return write(MemorySegment.ofArray(src), offset, len);
    }

    /** {@code libxenvchan_recv} (non-blocking): reads exactly {@code len} bytes or none. 0 when not enough, -1 when closed and short. */
    public int recv(MemorySegment dst, long offset, int len) {
        if (fastDataReady(len) >= len) {
            consume(dst, offset, len);
            return len;
        }
        return isOpen() ? 0 : -1;
    }

    public int recv(byte[] dst, int offset, int len) {
        return recv(MemorySegment.ofArray(dst), offset, len);
    }

    /** {@code libxenvchan_read} (non-blocking): reads up to {@code len} bytes. 0 when none, -1 when closed and empty. */
    public int read(MemorySegment dst, long offset, int len) {
        int avail = fastDataReady(len);
        if (avail > 0) {
            int n = Math.min(avail, len);
            consume(dst, offset, n);
            return n;
        }
        return isOpen() ? 0 : -1;
    }

    public int read(byte[] dst, int offset, int len) {
        return read(MemorySegment.ofArray(dst), offset, len);
    }

    private void consume(MemorySegment dst, long offset, int len) {
        read.get(localCons, dst, offset, len);
        localCons += len;
        read.publishCons(localCons);
        sendNotify(VCHAN_NOTIFY_READ);
    }

    // ---------------------------------------------------------------- frame-level access for FramedVchan

    /** The shared page, for layout tests and the mailbox layer. */
    MemorySegment sharedPage() {
        return shared;
    }

    ByteRing readRing() {
        return read;
    }

    ByteRing writeRing() {
        return write;
    }

    int localProd() {
        return localProd;
    }

    void advanceLocalProd(int n) {
        localProd += n;
    }

    /** Consumes {@code n} bytes the caller has read at {@link #localCons()}, publishing the index now or later. */
    void consumed(int n, boolean publish) {
        localCons += n;
        if (publish) {
            publishConsumed();
        }
    }

    /** Publishes the consumer index (if it moved) and notifies a writer that asked for space. */
    void publishConsumed() {
        if (read.cons() != localCons) {
            read.publishCons(localCons);
            sendNotify(VCHAN_NOTIFY_READ);
        }
    }

    /**
     * Makes {@code bytes} newly written bytes visible: stores prod and notifies the reader if it asked.
     * A fault interceptor may hold publication back; held bytes go out with the next publication or
     * {@link #flush()}.
     */
    void publish(int bytes) {
        FaultInterceptor f = hv.faultInterceptor();
        if (f != null && !f.onRingPublish(dom.domid(), port, bytes)) {
            return;
        }
        write.publishProd(localProd);
        sendNotify(VCHAN_NOTIFY_WRITE);
    }

    /** Publishes bytes a fault held back. Returns how many became visible. */
    public int flush() {
        int held = localProd - write.prod();
        if (held != 0) {
            write.publishProd(localProd);
            sendNotify(VCHAN_NOTIFY_WRITE);
        }
        return held;
    }

    // ================================================================ waiting

    /**
     * {@code libxenvchan_wait}: waits with {@code SCHEDOP_poll} until the vchan's port is pending (data,
     * space, connect or close on the other side), then clears it. Returns at once if an event is
     * already pending, so a caller that checks the ring, finds too little and then waits never misses
     * the event that followed its check.
     */
    public Wake awaitEvent(long deadlineNanos) {
        Wake w = dom.sched().poll(vcpu, pollPorts, deadlineNanos);
        if (w == Wake.EVENT) {
            dom.evtchn().testAndClearPending(port);
        }
        return w;
    }

    /** Blocking {@code libxenvchan_send}: waits for space. Returns len, or -1 when closed, larger than the ring, or the deadline passed. */
    public int sendBlocking(MemorySegment src, long offset, int len, long deadlineNanos) {
        if (len > write.size()) {
            return -1;
        }
        while (true) {
            int n = send(src, offset, len);
            if (n != 0) {
                return n;
            }
            if (awaitEvent(deadlineNanos) != Wake.EVENT) {
                return -1;
            }
        }
    }

    /** Blocking {@code libxenvchan_recv}: waits for {@code len} bytes. Returns len, or -1 when closed, larger than the ring, or the deadline passed. */
    public int recvBlocking(MemorySegment dst, long offset, int len, long deadlineNanos) {
        if (len > read.size()) {
            return -1;
        }
        while (true) {
            int n = recv(dst, offset, len);
            if (n != 0) {
                return n;
            }
            if (awaitEvent(deadlineNanos) != Wake.EVENT) {
                return -1;
            }
        }
    }

    // ================================================================ close

    /**
     * {@code libxenvchan_close}: marks this end not live, gives up the pages (the server ends its grants,
     * deferring those still mapped; the client unmaps), kicks the peer, closes the port, and the server
     * removes its XenStore entries. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            unmapNotify.close();
        } catch (Exception e) {
            throw new IllegalStateException("cancelling the unmap notification failed", e);
        }
        GrantTable gt = dom.gnttab();
        if (server) {
            setByte(shared, SRV_LIVE_OFFSET, LIVE_EXITED);
            for (int i = 0; i < grantsOrHandles.size(); i++) {
                if (gt.endAccessDeferred(grantsOrHandles.get(i))) {
                    dom.memory().freePage(frames.get(i));
                }
            }
        } else {
            setByte(shared, CLI_LIVE_OFFSET, LIVE_EXITED);
            for (int h : grantsOrHandles) {
                gt.unmap(h);
            }
        }
        dom.evtchn().send(port);
        dom.evtchn().close(port);
        if (server && dom.state().isLive()) {
            dom.store().rm(xsPath);
        }
        log.debug("dom{} closed vchan {} ({})", dom.domid(), xsPath, server ? "server" : "client");
    }

    @Override
    public String toString() {
        return "Vchan[" + (server ? "server" : "client") + " dom" + dom.domid() + "↔dom" + peerDomid + " " + xsPath + " port " + port + "]";
    }
}
