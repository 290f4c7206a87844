package dev.lingon.kernel.dom0.console;

import static dev.lingon.xen.layout.ConsoleLayout.OUT_CONS_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_PROD_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_SIZE;

import dev.lingon.kernel.devices.ConsoleDevice;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EventChannels;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * dom0's console daemon, in {@code xenconsoled}'s role: it reads the {@code out} ring of every attached
 * domain's console page ({@link dev.lingon.xen.layout.ConsoleLayout}) into a per-domain
 * {@link ConsoleLog} and lets the toolstack replay and follow it ({@code lingon console}).
 *
 * <p>Attaching ({@link #attach}) reads {@code ring-ref} and {@code port} from the domain's XenStore home
 * (the directories {@link ConsoleDevice#XENSTORE_DIRS}, in that order; dom0 may read any node), maps
 * the grant read-write, binds the port ({@code bind_interdomain}) and masks it, so a kernel running on
 * dom0 leaves the port's pending bit to this daemon. The toolstack attaches once the domain's kernel
 * has started its console device (which publishes the nodes before it returns).
 *
 * <p>Reading: one daemon thread, {@value #THREAD_NAME}, serves every attached domain. It waits with
 * {@code SCHEDOP_poll} on dom0's vCPU given at start (by default the last one, {@code dom0.vcpus() - 1},
 * leaving the lower vCPUs to a dom0 kernel) for the console ports and an IPI port of its own, which
 * attach, detach and close raise to make it look at its domain set again. For each pending port it
 * clears the bit first (so an event raised during the read is not lost), then copies the bytes
 * between {@code out_cons} and {@code out_prod}, cuts complete lines at {@code '\n'} (UTF-8; a trailing
 * {@code '\r'} is dropped; a line longer than {@link #MAX_LINE_BYTES} is cut there), publishes
 * {@code out_cons}, re-reads {@code out_prod} (the guest notifies only when it saw everything consumed,
 * so anything it added meanwhile must be picked up here) and finally notifies the domain, whose
 * console then moves lines that waited for space into the ring. Indexes claiming more than the ring
 * holds are resynchronised to the last {@code OUT_SIZE} bytes, as xenconsoled does. Poll takes at most
 * 128 ports, so at most {@link #MAX_DOMAINS} domains can be attached.
 *
 * <p>Detaching ({@link #detach}, when the domain is destroyed) reads what is left in the ring (the
 * mapping outlives the domain until it is unmapped), ends the log, closes the port and unmaps the
 * page.
 *
 * <p>Threads: the public methods from any thread; attach, detach and close are serialised among
 * themselves. The daemon thread reads the rings; a domain's ring and line assembly are guarded by its
 * own lock, which detach also takes. Subscribers run on the daemon thread (see {@link ConsoleLog}).
 */
public final class ConsoleDaemon implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsoleDaemon.class);
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** The daemon thread's name. */
    public static final String THREAD_NAME = "lingon-dom0-xenconsoled";

    /** Ports one {@code SCHEDOP_poll} takes, less the daemon's own IPI port. */
    public static final int MAX_DOMAINS = 127;

    /** A line that reaches this many bytes without {@code '\n'} is cut here. */
    public static final int MAX_LINE_BYTES = 4096;

    private final XenDomain dom0;
    private final EventChannels evtchn;
    private final int vcpu;
    private final int logLines;
    private final int ipiPort;
    private final Thread thread;

    /** Serialises attach, detach and close. */
    private final Object control = new Object();
    /** What the daemon thread serves; replaced (never changed) under {@link #control}. */
    private volatile Served served;
    private volatile boolean closed;

    /** An immutable view of the attached consoles and the ports to poll. */
    private record Served(Map<Integer, DomainConsole> consoles, List<DomainConsole> inOrder, int[] ports) {
        static Served of(TreeMap<Integer, DomainConsole> consoles, int ipiPort) {
            List<DomainConsole> order = List.copyOf(consoles.values());
            int[] ports = new int[order.size() + 1];
            ports[0] = ipiPort;
            for (int i = 0; i < order.size(); i++) {
                ports[i + 1] = order.get(i).port;
            }
            return new Served(Map.copyOf(consoles), order, ports);
        }

        boolean anyUnserved() {
            for (DomainConsole dc : inOrder) {
                if (dc.unserved()) {
                    return true;
                }
            }
            return false;
        }
    }

    private ConsoleDaemon(XenDomain dom0, int vcpu, int logLines, ThreadFactory threads) {
        this.dom0 = dom0;
        this.evtchn = dom0.evtchn();
        this.vcpu = vcpu;
        this.logLines = logLines;
        this.thread = Objects.requireNonNull(threads.newThread(this::run), "the thread factory gave no thread");
        this.ipiPort = evtchn.bindIpi(vcpu).orThrow();
        // Masked: a kernel scanning dom0's upcalls must leave this port to the daemon's poll.
        evtchn.mask(ipiPort).orThrow("mask the console daemon's IPI port");
        this.served = Served.of(new TreeMap<>(), ipiPort);
    }

    /** A daemon on dom0's last vCPU keeping {@link ConsoleLog#DEFAULT_CAPACITY} lines per domain. */
    public static ConsoleDaemon start(XenDomain dom0) {
        return start(dom0, dom0.vcpus() - 1, ConsoleLog.DEFAULT_CAPACITY);
    }

    /** {@link #start(XenDomain, int, int, ThreadFactory)} on a platform daemon thread named {@value #THREAD_NAME}. */
    public static ConsoleDaemon start(XenDomain dom0, int vcpu, int logLines) {
        return start(dom0, vcpu, logLines, Thread.ofPlatform().name(THREAD_NAME).daemon(true).factory());
    }

    /**
     * Starts the daemon thread.
     *
     * @param dom0     the privileged domain the daemon runs in
     * @param vcpu     the vCPU of dom0 it waits on; no other thread may wait on it
     * @param logLines lines kept per domain
     * @param threads  makes the one daemon thread
     * @throws IllegalArgumentException when {@code dom0} is not dom0, or for a bad vCPU or line count
     */
    public static ConsoleDaemon start(XenDomain dom0, int vcpu, int logLines, ThreadFactory threads) {
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(dom0, "dom0");
        if (dom0.domid() != DomId.DOM0) {
            throw new IllegalArgumentException("the console daemon runs in dom0, not in " + dom0.handle());
        }
        if (vcpu < 0 || vcpu >= dom0.vcpus()) {
            throw new IllegalArgumentException("dom0 has vCPUs 0.." + (dom0.vcpus() - 1) + ", not " + vcpu);
        }
        if (logLines < 1) {
            throw new IllegalArgumentException("logLines must be at least 1, got " + logLines);
        }
        ConsoleDaemon d = new ConsoleDaemon(dom0, vcpu, logLines, threads);
        d.thread.start();
        return d;
    }

    /** The vCPU of dom0 the daemon waits on. */
    public int vcpu() {
        return vcpu;
    }

    /**
     * Connects a domain's console. Answers its log, or: EEXIST when already attached, ENOENT when the
     * domain has published no console, EINVAL for unparsable nodes, ESRCH when the domain is gone,
     * EACCES when its grant cannot be mapped, ENOSPC beyond {@link #MAX_DOMAINS}.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public Result<ConsoleLog> attach(int domid) {
        DomainConsole dc;
        synchronized (control) {
            if (closed) {
                throw new IllegalStateException("the console daemon is closed");
            }
            if (served.consoles().containsKey(domid)) {
                return Result.err(Errno.EEXIST, "dom" + domid + "'s console is attached already");
            }
            if (served.consoles().size() >= MAX_DOMAINS) {
                return Result.err(Errno.ENOSPC, "the console daemon serves " + MAX_DOMAINS + " domains already");
            }
            Result<int[]> nodes = readNodes(domid);
            if (nodes instanceof Result.Err<int[]> err) {
                return Result.err(err.errno(), err.detail());
            }
            int ref = nodes.orThrow()[0];
            int remotePort = nodes.orThrow()[1];
            MapResult mapped = dom0.gnttab().map(domid, ref, false);
            if (!(mapped instanceof MapResult.Mapped m)) {
                GntStatus st = mapped.status();
                return Result.err(st == GntStatus.GNTST_bad_domain ? Errno.ESRCH : Errno.EACCES,
                        "cannot map grant ref " + ref + " of dom" + domid + ": " + st);
            }
            Result<Integer> local = evtchn.bindInterdomain(domid, remotePort);
            if (!local.isOk()) {
                dom0.gnttab().unmap(m.handle());
                return Result.err(local.errno(), "cannot bind port " + remotePort + " of dom" + domid + ": " + local);
            }
            int port = local.orThrow();
            // Masked: a kernel scanning dom0's upcalls must leave this port to the daemon's poll. The
            // port is pending from the bind and stays so until the daemon clears it.
            evtchn.mask(port);
            dc = new DomainConsole(domid, m.page(), m.handle(), port, new ConsoleLog(domid, logLines));
            TreeMap<Integer, DomainConsole> next = new TreeMap<>(served.consoles());
            next.put(domid, dc);
            served = Served.of(next, ipiPort);
            log.debug("console of dom{} attached: grant ref {} (handle {}), remote port {} → dom0 port {}", domid, ref,
                    m.handle(), remotePort, port);
        }
        kick();
        return Result.ok(dc.output);
    }

    /** {@code ring-ref} and {@code port} from the first console directory that has them. */
    private Result<int[]> readNodes(int domid) {
        XenStore xs = dom0.store();
        String home = "/local/domain/" + domid;
        for (String dir : ConsoleDevice.XENSTORE_DIRS) {
            Result<String> ref = xs.read(home + "/" + dir + "/" + ConsoleDevice.RING_REF_NODE);
            if (ref.errno() == Errno.ENOENT) {
                continue;
            }
            if (!ref.isOk()) {
                return Result.err(ref.errno(), "cannot read " + home + "/" + dir + ": " + ref);
            }
            Result<String> port = xs.read(home + "/" + dir + "/" + ConsoleDevice.PORT_NODE);
            if (!port.isOk()) {
                return Result.err(port.errno(), "dom" + domid + " has " + dir + "/ring-ref but no readable port: " + port);
            }
            try {
                return Result.ok(new int[] {Integer.parseInt(ref.orThrow().trim()), Integer.parseInt(port.orThrow().trim())});
            } catch (NumberFormatException e) {
                return Result.err(Errno.EINVAL, "dom" + domid + "'s console nodes are not numbers: ring-ref '"
                        + ref.orThrow() + "', port '" + port.orThrow() + "'");
            }
        }
        if (dom0.hypervisor().domain(domid).isEmpty()) {
            return Result.err(Errno.ESRCH, "no domain with id " + domid);
        }
        return Result.err(Errno.ENOENT, "dom" + domid + " has published no console (looked in " + ConsoleDevice.XENSTORE_DIRS + ")");
    }

    /**
     * Disconnects a domain's console (call it when the domain is destroyed): reads what is left in the
     * ring, ends the log (followers get no more), closes the port and unmaps the page. Answers the
     * final log, or empty when the domain was not attached.
     */
    public Optional<ConsoleLog> detach(int domid) {
        DomainConsole dc;
        synchronized (control) {
            dc = served.consoles().get(domid);
            if (dc == null) {
                return Optional.empty();
            }
            TreeMap<Integer, DomainConsole> next = new TreeMap<>(served.consoles());
            next.remove(domid);
            served = Served.of(next, ipiPort);
            dc.detach();
        }
        kick();
        return Optional.of(dc.output);
    }

    /** The log of an attached domain. */
    public Optional<ConsoleLog> log(int domid) {
        DomainConsole dc = served.consoles().get(domid);
        return dc == null ? Optional.empty() : Optional.of(dc.output);
    }

    /** The attached domains, by domid. */
    public List<Integer> attached() {
        return List.copyOf(new TreeMap<>(served.consoles()).keySet());
    }

    /**
     * Replays the domain's kept lines to {@code lines} before returning, then with {@code follow} passes
     * later lines until the handle is closed or the domain is detached. See {@link ConsoleLog#subscribe}.
     *
     * @throws IllegalArgumentException when the domain is not attached
     */
    public ConsoleLog.Subscription subscribe(int domid, boolean follow, Consumer<String> lines) {
        return log(domid).orElseThrow(() -> new IllegalArgumentException("no console is attached for dom" + domid))
                .subscribe(follow, lines);
    }

    /** Stops the daemon thread, then detaches every domain. Idempotent. */
    @Override
    public void close() {
        synchronized (control) {
            if (closed) {
                return;
            }
            closed = true;
        }
        kick();
        boolean interrupted = false;
        // A subscriber may close the daemon from the daemon thread itself, which then ends by itself.
        while (thread != Thread.currentThread() && thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Integer domid : attached()) {
            detach(domid);
        }
        evtchn.close(ipiPort);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void kick() {
        evtchn.send(ipiPort);
    }

    // ------------------------------------------------------------------ the daemon thread

    private void run() {
        Sched sched = dom0.sched();
        log.debug("console daemon waiting on dom0 vCPU {}", vcpu);
        while (!closed) {
            Served s = served;
            // A console not served yet is read before waiting: its bind left its port pending, but a
            // pass over a stale view may have cleared that bit already, when the port number was
            // reused from a console detached a moment before, and then no event would come.
            Wake w = s.anyUnserved() ? Wake.EVENT : sched.poll(vcpu, s.ports(), Sched.NO_DEADLINE);
            if (w == Wake.SHUTDOWN) {
                log.warn("dom0 is shutting down: the console daemon stops");
                return;
            }
            if (w == Wake.INTERRUPTED) {
                // Only close stops the daemon, through the IPI; a stray interrupt must not make poll spin.
                Thread.interrupted();
            }
            evtchn.testAndClearPending(ipiPort);
            for (DomainConsole dc : s.inOrder()) {
                // Cleared before reading, so an event raised during the read leaves the port pending.
                boolean pending = evtchn.testAndClearPending(dc.port);
                if (pending || dc.unserved()) {
                    try {
                        dc.service();
                    } catch (RuntimeException e) {
                        dc.failed(e);
                    }
                }
            }
        }
    }

    /**
     * One attached domain: its mapped console page, dom0's port, the consumer index and the partial
     * line. Guarded by its own lock (daemon thread and detach).
     */
    private final class DomainConsole {
        final int domid;
        final MemorySegment page;
        final int handle;
        final int port;
        final ConsoleLog output;
        private final byte[] chunk = new byte[OUT_SIZE];
        private final byte[] partial = new byte[MAX_LINE_BYTES];
        private int partialLength;
        /** Our consumer index; {@code out_cons} is a published copy. */
        private int cons;
        /** True until the first service: a bind's pending bit may have been cleared by a stale pass over a reused port. */
        private volatile boolean unserved = true;
        private boolean detached;
        private boolean corruptLogged;
        private boolean failureLogged;

        DomainConsole(int domid, MemorySegment page, int handle, int port, ConsoleLog output) {
            this.domid = domid;
            this.page = page;
            this.handle = handle;
            this.port = port;
            this.output = output;
            this.cons = (int) INT.getVolatile(page, (long) OUT_CONS_OFFSET);
        }

        boolean unserved() {
            return unserved;
        }

        synchronized void service() {
            unserved = false;
            if (detached) {
                return;
            }
            boolean consumed = false;
            // Acquire: the guest wrote the bytes before it published this index.
            int prod = (int) INT.getVolatile(page, (long) OUT_PROD_OFFSET);
            while (prod != cons) {
                int avail = prod - cons;
                if (Integer.compareUnsigned(avail, OUT_SIZE) > 0) {
                    if (!corruptLogged) {
                        corruptLogged = true;
                        log.warn("dom{}'s console out_prod {} is more than a ring ahead of out_cons {}; skipping to the last {} bytes",
                                domid, prod, cons, OUT_SIZE);
                    }
                    cons = prod - OUT_SIZE;
                    avail = OUT_SIZE;
                }
                int idx = cons & (OUT_SIZE - 1);
                int first = Math.min(avail, OUT_SIZE - idx);
                MemorySegment.copy(page, ValueLayout.JAVA_BYTE, OUT_OFFSET + idx, chunk, 0, first);
                if (first < avail) {
                    MemorySegment.copy(page, ValueLayout.JAVA_BYTE, OUT_OFFSET, chunk, first, avail - first);
                }
                cons = prod;
                // Release: the bytes were copied out before the guest may reuse their slots. A volatile
                // store followed by the volatile load below is sequentially consistent: either the
                // guest sees this out_cons when it checks whether to notify, or we see its new out_prod.
                INT.setVolatile(page, (long) OUT_CONS_OFFSET, cons);
                consumed = true;
                assemble(avail);
                prod = (int) INT.getVolatile(page, (long) OUT_PROD_OFFSET);
            }
            if (consumed) {
                // The guest may have lines waiting for the space just freed.
                evtchn.send(port);
            }
        }

        /** Cuts the copied bytes into lines. */
        private void assemble(int n) {
            for (int i = 0; i < n; i++) {
                byte b = chunk[i];
                if (b == '\n') {
                    emit();
                } else {
                    partial[partialLength++] = b;
                    if (partialLength == MAX_LINE_BYTES) {
                        emit();
                    }
                }
            }
        }

        private void emit() {
            int len = partialLength;
            if (len > 0 && partial[len - 1] == '\r') {
                len--;
            }
            partialLength = 0;
            output.append(new String(partial, 0, len, StandardCharsets.UTF_8));
        }

        /** Reads what is left, then lets go of the page and the port. Under {@link #control}. */
        synchronized void detach() {
            if (detached) {
                return;
            }
            try {
                service();
            } catch (RuntimeException e) {
                failed(e);
            }
            detached = true;
            output.end();
            Errno closedPort = evtchn.close(port);
            GntStatus unmapped = dom0.gnttab().unmap(handle);
            log.debug("console of dom{} detached (port close {}, unmap {}), {} lines kept", domid, closedPort, unmapped,
                    output.lines().size());
        }

        synchronized void failed(RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                log.error("reading dom{}'s console failed", domid, e);
            }
        }
    }
}
