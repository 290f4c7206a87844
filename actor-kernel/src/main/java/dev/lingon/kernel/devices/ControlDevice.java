package dev.lingon.kernel.devices;

import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control device: the domain's end of {@code control/shutdown}, as Linux's
 * {@code drivers/xen/manage.c} keeps it. The toolstack ({@code xl shutdown}, {@code xl reboot})
 * writes the request into the node, which libxl creates writable by the domain.
 *
 * <p>The device actor watches the node on its own xenstored connection. On each event it reads the
 * node and, in the same transaction (retried on EAGAIN), acknowledges a request by writing {@code ""}
 * (what Linux does, and what tells the toolstack the guest heard it). Then it acts once:
 * <ol>
 *   <li>{@code poweroff} and {@code halt} (Xen's alias) → {@link ShutdownReason#POWEROFF},
 *   {@code reboot} → {@link ShutdownReason#REBOOT}, {@code suspend} → {@link ShutdownReason#SUSPEND};</li>
 *   <li>{@link DomainContext#stopApplication()} stops the application tree, children in reverse start
 *   order;</li>
 *   <li>when that completed (or failed, which is logged), {@code SCHEDOP_shutdown} with the reason.</li>
 * </ol>
 * {@code ""} (the acknowledgement itself, or a watch's spurious event) and unknown values are left in
 * place and ignored; an unknown value is logged once (again only if a different one arrives). A second
 * request after the first was acknowledged is acknowledged too but not acted on: the domain is already
 * on its way down.
 *
 * <p>The action runs on whatever thread completes the application's stop, not on the actor, so a
 * restart of the device actor in the middle cannot lose the shutdown hypercall.
 *
 * <p>Threads: the actor, on the kernel lane, owns its connection; {@link #requested()} from any thread.
 */
public final class ControlDevice implements KernelDevice {
    private static final Logger log = LoggerFactory.getLogger(ControlDevice.class);

    /** The worker's child id. */
    public static final String CHILD_ID = KernelService.CONTROL.configName();

    /** The node the toolstack writes, relative to the domain's home. */
    public static final String SHUTDOWN_NODE = "control/shutdown";

    /** The token of the device's watch on {@link #SHUTDOWN_NODE}. */
    public static final String WATCH_TOKEN = "lingon-control-shutdown";

    private static final int MAX_ATTEMPTS = 100;

    private final DomainContext ctx;
    private final XenDomain xen;
    /** The request being carried out; set once. */
    private final AtomicReference<ShutdownReason> requested = new AtomicReference<>();
    /** The last unknown value logged, so a value is logged once while it stays. */
    private final AtomicReference<String> lastIgnored = new AtomicReference<>();
    private volatile boolean closed;

    private ControlDevice(DomainContext ctx) {
        this.ctx = ctx;
        this.xen = ctx.xen();
    }

    /**
     * A control device for the domain. Uses {@code ctx.xen()}, and {@code ctx.stopApplication()} when a
     * request arrives.
     */
    public static ControlDevice start(DomainContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        return new ControlDevice(ctx);
    }

    /** What {@code control/shutdown} value means, as Linux's {@code shutdown_handlers} table has it; empty for anything else. */
    public static Optional<ShutdownReason> reasonOf(String value) {
        return switch (value) {
            case "poweroff", "halt" -> Optional.of(ShutdownReason.POWEROFF);
            case "reboot" -> Optional.of(ShutdownReason.REBOOT);
            case "suspend" -> Optional.of(ShutdownReason.SUSPEND);
            default -> Optional.empty();
        };
    }

    /** The shutdown request the device acknowledged and is carrying out, if any. */
    public Optional<ShutdownReason> requested() {
        return Optional.ofNullable(requested.get());
    }

    @Override
    public KernelService service() {
        return KernelService.CONTROL;
    }

    @Override
    public ChildSpec childSpec() {
        return DeviceWorker.spec(CHILD_ID, this::worker);
    }

    /** Stops acting on requests; the actor's watch goes with its connection when it stops. */
    @Override
    public void close() {
        closed = true;
    }

    /** The node changed (or may have: watches fire spuriously). */
    enum Changed {
        INSTANCE
    }

    private Behavior<Changed> worker() {
        return Behaviors.setup(actx -> {
            XenStore conn = xen.openStore();
            ActorRef<Changed> self = actx.getSelf();
            // The listener runs on whichever thread changed the store: it only tells.
            conn.onWatchEvent(e -> self.tell(Changed.INSTANCE));
            Result<Void> watch = conn.watch(SHUTDOWN_NODE, WATCH_TOKEN);
            if (!watch.isOk()) {
                conn.close();
                throw new IllegalStateException(xen.handle() + ": cannot watch " + SHUTDOWN_NODE + ": " + watch);
            }
            return Behaviors.receive(Changed.class)
                    .onMessage(Changed.class, c -> {
                        check(conn);
                        return Behaviors.same();
                    })
                    .onSignal(PostStop.class, s -> {
                        conn.close();
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Reads the node and acknowledges a request in one transaction, like Linux's {@code shutdown_handler}. */
    private void check(XenStore conn) {
        if (closed) {
            return;
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            int tx = conn.transactionStart().orThrow();
            Result<String> read = conn.read(tx, SHUTDOWN_NODE);
            if (!read.isOk()) {
                // ENOENT: the toolstack is tearing the domain down; nothing to acknowledge.
                conn.transactionEnd(tx, false);
                log.debug("{}: {} unreadable: {}", xen.handle(), SHUTDOWN_NODE, read);
                return;
            }
            String value = read.orThrow();
            Optional<ShutdownReason> reason = value.isEmpty() ? Optional.empty() : reasonOf(value);
            if (reason.isEmpty()) {
                conn.transactionEnd(tx, false);
                if (!value.isEmpty() && !value.equals(lastIgnored.getAndSet(value))) {
                    log.warn("{}: ignoring unknown {} request '{}' (expected poweroff, halt, reboot or suspend)",
                            xen.handle(), SHUTDOWN_NODE, value);
                }
                return;
            }
            Result<Void> ack = conn.write(tx, SHUTDOWN_NODE, "");
            if (!ack.isOk()) {
                conn.transactionEnd(tx, false);
                log.warn("{}: cannot acknowledge {} = {}: {}", xen.handle(), SHUTDOWN_NODE, value, ack);
                return;
            }
            Result<Void> commit = conn.transactionEnd(tx, true);
            if (commit.isOk()) {
                act(reason.get(), value);
                return;
            }
            if (commit.errno() != Errno.EAGAIN) {
                log.warn("{}: acknowledging {} = {} failed: {}", xen.handle(), SHUTDOWN_NODE, value, commit);
                return;
            }
        }
        log.warn("{}: {} kept conflicting for {} attempts; waiting for its next change", xen.handle(), SHUTDOWN_NODE, MAX_ATTEMPTS);
    }

    private void act(ShutdownReason reason, String value) {
        if (!requested.compareAndSet(null, reason)) {
            log.info("{}: {} = {} acknowledged; already shutting down for {}", xen.handle(), SHUTDOWN_NODE, value,
                    requested.get().xlName());
            return;
        }
        log.info("{}: {} = {}: stopping the application, then shutting down ({})", xen.handle(), SHUTDOWN_NODE, value,
                reason.xlName());
        CompletionStage<Void> stopped;
        try {
            stopped = ctx.stopApplication();
        } catch (RuntimeException e) {
            stopped = CompletableFuture.failedFuture(e);
        }
        stopped.whenComplete((done, failure) -> {
            if (failure != null) {
                log.warn("{}: the application did not stop cleanly; shutting down ({}) anyway", xen.handle(), reason.xlName(), failure);
            }
            xen.sched().shutdown(reason);
        });
    }

    @Override
    public String toString() {
        return "ControlDevice[" + xen.handle() + "]";
    }
}
