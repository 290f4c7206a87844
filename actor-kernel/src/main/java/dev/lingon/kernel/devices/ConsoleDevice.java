package dev.lingon.kernel.devices;

import static dev.lingon.xen.layout.ConsoleLayout.OUT_CONS_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_PROD_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_SIZE;

import dev.lingon.kernel.api.Console;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenException;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.layout.GrantEntryLayout;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The console device: the guest end of a domain's console ring ({@code struct xencons_interface},
 * {@link dev.lingon.xen.layout.ConsoleLayout}), as a PV guest's {@code hvc_xen} driver keeps it.
 *
 * <p>Set-up ({@link #start}): the domain allocates a page, lays the console interface on it (a fresh
 * page is zeroed: both rings empty), grants it read-write to dom0 at the reserved ref
 * {@code GNTTAB_RESERVED_CONSOLE} (0), allocates an unbound event-channel port for dom0 (masked until
 * the worker binds it, so an early event stays pending instead of being dropped by the kernel's scan),
 * and writes {@code ring-ref} and {@code port} under the first of {@link #XENSTORE_DIRS} it may write.
 * libxl puts them in {@code /local/domain/<id>/console}, written by the toolstack; in Lingon the guest
 * sets its console up itself, and that directory does not exist and cannot be created by the guest
 * (the home is owned by dom0 and only readable by the domain), so the nodes land in
 * {@code data/console} unless a toolstack made {@code console} writable. dom0's console daemon looks
 * in the same places, in the same order.
 *
 * <p>Output: {@link #println} appends the line's UTF-8 bytes and {@code '\n'} to the {@code out} ring. A
 * line is written whole when it fits in the free space; a line longer than the whole ring goes in
 * pieces as space frees. Lines that do not fit wait in a buffer of at most {@code bufferLines} lines,
 * in order; beyond it the oldest waiting line not yet started is dropped and counted
 * ({@link #dropped()}). The buffer drains when dom0's consumption event reaches the worker.
 * {@code in} (dom0 → guest) is not read: Lingon domains take no console input.
 *
 * <p>Notification: the console interface has no notify-avoidance fields, so the writer sends an event
 * only when dom0 may be waiting, i.e. when dom0 had consumed every byte published before this write.
 * That is enough because dom0 re-reads {@code out_prod} after publishing {@code out_cons} (see
 * {@link #flushLocked()}).
 *
 * <p>Threads: {@link #println} and {@link #dropped} from any thread, never waiting for dom0 (a short
 * lock orders concurrent writers; nothing slow happens under it, not even logging). The worker
 * actor, on the kernel lane, owns the port binding and flushes on events. The ring's producer side
 * (the bytes, {@code out_prod}) is written only under the lock; {@code out_cons} belongs to dom0.
 */
public final class ConsoleDevice implements KernelDevice, Console {
    private static final Logger log = LoggerFactory.getLogger(ConsoleDevice.class);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** The worker's child id. */
    public static final String CHILD_ID = KernelService.CONSOLE.configName();

    /**
     * Where the console's XenStore nodes go, relative to the domain's home, most preferred first:
     * libxl's {@code console}, and {@code data/console}, which the guest can always write.
     */
    public static final List<String> XENSTORE_DIRS = List.of("console", "data/console");

    /** Node holding the grant ref of the console page (always {@code GNTTAB_RESERVED_CONSOLE}). */
    public static final String RING_REF_NODE = "ring-ref";

    /** Node holding the domain's port of the console event channel, bound by dom0. */
    public static final String PORT_NODE = "port";

    /** Lines that may wait for ring space by default. */
    public static final int DEFAULT_BUFFER_LINES = 1024;

    private static final int MAX_XS_ATTEMPTS = 100;

    private final XenDomain xen;
    private final DomainContext ctx;
    private final String domainName;
    private final MemorySegment page;
    private final int frame;
    private final int port;
    private final String xenstoreDir;
    private final int bufferLines;

    private final ReentrantLock lock = new ReentrantLock();
    /** Lines waiting for ring space, oldest first; guarded by {@link #lock}. */
    private final ArrayDeque<PendingLine> buffered = new ArrayDeque<>();
    /** Our producer index; {@code out_prod} is a published copy. Guarded by {@link #lock}. */
    private int prod;
    /** Guarded by {@link #lock}. */
    private boolean closed;
    /** Set under {@link #lock} when dom0's index was found impossible; logged once, outside the lock. */
    private volatile boolean corruptSeen;
    private final AtomicBoolean corruptLogged = new AtomicBoolean();
    /** Written under {@link #lock}, read by anyone. */
    private volatile long dropped;
    /** The kernel the port is bound on, once a worker bound it. */
    private volatile DomainKernel boundKernel;

    private ConsoleDevice(DomainContext ctx, Memory.Page page, int port, String xenstoreDir, int bufferLines) {
        this.ctx = ctx;
        this.xen = ctx.xen();
        this.domainName = xen.name();
        this.page = page.segment();
        this.frame = page.frame();
        this.port = port;
        this.xenstoreDir = xenstoreDir;
        this.bufferLines = bufferLines;
    }

    /** {@link #start(DomainContext, int)} with {@link #DEFAULT_BUFFER_LINES}. */
    public static ConsoleDevice start(DomainContext ctx) {
        return start(ctx, DEFAULT_BUFFER_LINES);
    }

    /**
     * Sets the console up (page, grant, port, XenStore nodes) and registers it with
     * {@link ConsoleAppender} under the domain's name. Uses {@code ctx.xen()} now and {@code ctx.kernel()}
     * when the worker starts; nothing else of the context.
     *
     * @throws XenException when the domain cannot set its console up (no memory, ref 0 in use, no port,
     *                      XenStore refusing both directories)
     * @throws IllegalArgumentException when {@code bufferLines} is below 1
     */
    public static ConsoleDevice start(DomainContext ctx, int bufferLines) {
        Objects.requireNonNull(ctx, "ctx");
        if (bufferLines < 1) {
            throw new IllegalArgumentException("a console needs room for at least one waiting line, got bufferLines = " + bufferLines);
        }
        XenDomain xen = ctx.xen();
        Memory.Page page = xen.memory().allocPage().orThrow();
        boolean granted = false;
        int port = 0;
        try {
            xen.gnttab().grantAccessAt(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE, DomId.DOM0, page.frame(), false).orThrow();
            granted = true;
            port = xen.evtchn().allocUnbound(DomId.DOM0).orThrow();
            // Masked until the worker binds it: dom0's first event (bind_interdomain leaves a port
            // pending, and consumption events follow) must stay pending, not be dropped as unbound.
            xen.evtchn().mask(port).orThrow("mask console port " + port);
            String dir = publish(xen.store(), port);
            ConsoleDevice device = new ConsoleDevice(ctx, page, port, dir, bufferLines);
            ConsoleAppender.register(device.domainName, device);
            log.debug("{}: console on frame {} (grant ref {}), port {}, XenStore {}", xen.handle(), page.frame(),
                    GrantEntryLayout.GNTTAB_RESERVED_CONSOLE, port, dir);
            return device;
        } catch (RuntimeException e) {
            if (port != 0) {
                xen.evtchn().close(port);
            }
            if (granted) {
                xen.gnttab().endAccess(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE);
            }
            xen.memory().freePage(page.frame());
            throw e;
        }
    }

    /** Writes {@code ring-ref} and {@code port} under the first writable directory, in a retried transaction. */
    private static String publish(XenStore store, int port) {
        StringBuilder refusals = new StringBuilder();
        for (String dir : XENSTORE_DIRS) {
            Errno outcome = publishAt(store, dir, port);
            if (outcome.isOk()) {
                return dir;
            }
            refusals.append(refusals.isEmpty() ? "" : ", ").append(dir).append(": ").append(outcome);
        }
        throw new XenException(Errno.EACCES, "cannot publish the console in XenStore (" + refusals + ")");
    }

    private static Errno publishAt(XenStore store, String dir, int port) {
        for (int attempt = 0; attempt < MAX_XS_ATTEMPTS; attempt++) {
            int tx = store.transactionStart().orThrow();
            Result<Void> ref = store.write(tx, dir + "/" + RING_REF_NODE, Integer.toString(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE));
            Result<Void> p = ref.isOk() ? store.write(tx, dir + "/" + PORT_NODE, Integer.toString(port)) : ref;
            if (!p.isOk()) {
                store.transactionEnd(tx, false);
                return p.errno();
            }
            Result<Void> end = store.transactionEnd(tx, true);
            if (end.errno() != Errno.EAGAIN) {
                return end.errno();
            }
        }
        return Errno.EAGAIN;
    }

    // ------------------------------------------------------------------ Console

    @Override
    public void println(String line) {
        Objects.requireNonNull(line, "line");
        byte[] bytes = (line + '\n').getBytes(StandardCharsets.UTF_8);
        boolean notify;
        lock.lock();
        try {
            if (closed) {
                dropped++;
                return;
            }
            buffered.addLast(new PendingLine(bytes));
            notify = flushLocked();
            trimLocked();
        } finally {
            lock.unlock();
        }
        afterFlush(notify);
    }

    @Override
    public long dropped() {
        return dropped;
    }

    // ------------------------------------------------------------------ KernelDevice

    @Override
    public KernelService service() {
        return KernelService.CONSOLE;
    }

    @Override
    public ChildSpec childSpec() {
        return DeviceWorker.spec(CHILD_ID, this::worker);
    }

    /** The worker: binds the port to itself and flushes on each event (and once at start, for events lost in a restart). */
    private Behavior<EventPending> worker() {
        return Behaviors.setup(actx -> {
            DomainKernel kernel = ctx.kernel();
            boundKernel = kernel;
            kernel.bind(port, actx.getSelf());
            flush();
            return Behaviors.receive(EventPending.class)
                    .onMessage(EventPending.class, e -> {
                        flush();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropped += buffered.size();
            buffered.clear();
        } finally {
            lock.unlock();
        }
        ConsoleAppender.unregister(domainName, this);
        DomainKernel kernel = boundKernel;
        if (kernel != null) {
            kernel.unbind(port);
        }
        if (xen.state() == DomainState.DYING) {
            // Destroyed: its ports, grants, nodes and pages went with it.
            return;
        }
        // Each step answers an errno rather than failing if the domain is on its way out.
        Errno closedPort = xen.evtchn().close(port);
        xen.store().rm(xenstoreDir + "/" + RING_REF_NODE);
        xen.store().rm(xenstoreDir + "/" + PORT_NODE);
        if (xen.gnttab().endAccessDeferred(GrantEntryLayout.GNTTAB_RESERVED_CONSOLE)) {
            xen.memory().freePage(frame);
        }
        log.debug("{}: console closed (port close {})", xen.handle(), closedPort);
    }

    // ------------------------------------------------------------------ what tests and the toolstack may look at

    /** The domain's port of the console event channel. */
    public int port() {
        return port;
    }

    /** The directory, relative to the domain's home, holding {@code ring-ref} and {@code port}. */
    public String xenstoreDir() {
        return xenstoreDir;
    }

    /** Lines waiting for ring space now. */
    public int bufferedLines() {
        lock.lock();
        try {
            return buffered.size();
        } finally {
            lock.unlock();
        }
    }

    /** The most lines that may wait for ring space. */
    public int bufferLines() {
        return bufferLines;
    }

    // ------------------------------------------------------------------ the ring

    /** Moves waiting lines into the ring as far as they fit. Called by the worker on each event. */
    void flush() {
        boolean notify;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            notify = flushLocked();
        } finally {
            lock.unlock();
        }
        afterFlush(notify);
    }

    private void afterFlush(boolean notify) {
        if (notify) {
            // An unbound port (dom0 not attached yet) drops the event and answers OK; a gone domain answers an errno: nothing to do either way.
            xen.evtchn().send(port);
        }
        if (corruptSeen && corruptLogged.compareAndSet(false, true)) {
            log.warn("{}: console out_cons claims more than the ring holds: dom0 wrote a bad index; output waits in the buffer",
                    xen.handle());
        }
    }

    /**
     * Writes waiting lines into {@code out} and publishes {@code out_prod}; answers whether dom0 must be
     * notified. Under {@link #lock}.
     */
    private boolean flushLocked() {
        if (buffered.isEmpty()) {
            return false;
        }
        // Acquire: dom0 has finished reading every byte before out_cons, so those slots may be reused.
        int cons = (int) INT.getVolatile(page, (long) OUT_CONS_OFFSET);
        int used = prod - cons;
        if (Integer.compareUnsigned(used, OUT_SIZE) > 0) {
            corruptSeen = true;
            return false;
        }
        int start = prod;
        int free = OUT_SIZE - used;
        while (!buffered.isEmpty() && free > 0) {
            PendingLine head = buffered.peekFirst();
            int remaining = head.bytes.length - head.offset;
            int n;
            if (remaining <= free) {
                n = remaining;
            } else if (head.bytes.length > OUT_SIZE) {
                n = free;
            } else {
                break;
            }
            copyIn(head.bytes, head.offset, n);
            head.offset += n;
            free -= n;
            if (head.offset == head.bytes.length) {
                buffered.removeFirst();
            }
        }
        if (prod == start) {
            return false;
        }
        // Release (a volatile store): the bytes above are visible before dom0 can see the new index.
        // Volatile store and load are sequentially consistent, so the load below also cannot move
        // before this store: with dom0 publishing out_cons before re-reading out_prod, either it sees
        // this out_prod, or we see it had consumed everything up to `start` and notify it.
        INT.setVolatile(page, (long) OUT_PROD_OFFSET, prod);
        int consNow = (int) INT.getVolatile(page, (long) OUT_CONS_OFFSET);
        return consNow == start;
    }

    /** Copies {@code n} bytes into {@code out} at the producer index, wrapping; advances the private index only. */
    private void copyIn(byte[] src, int from, int n) {
        int idx = prod & (OUT_SIZE - 1);
        int first = Math.min(n, OUT_SIZE - idx);
        MemorySegment.copy(src, from, page, ValueLayout.JAVA_BYTE, OUT_OFFSET + idx, first);
        if (first < n) {
            MemorySegment.copy(src, from + first, page, ValueLayout.JAVA_BYTE, OUT_OFFSET, n - first);
        }
        prod += n;
    }

    /** Drops the oldest waiting lines beyond the bound; a line already partly in the ring is kept. Under {@link #lock}. */
    private void trimLocked() {
        while (buffered.size() > bufferLines) {
            Iterator<PendingLine> it = buffered.iterator();
            PendingLine oldest = it.next();
            if (oldest.offset > 0) {
                it.next();
            }
            it.remove();
            dropped++;
        }
    }

    /** A line waiting for ring space: its bytes ({@code '\n'} included) and how many are already in the ring. */
    private static final class PendingLine {
        final byte[] bytes;
        int offset;

        PendingLine(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    @Override
    public String toString() {
        return "ConsoleDevice[" + domainName + ", port " + port + ", " + xenstoreDir + "]";
    }
}
