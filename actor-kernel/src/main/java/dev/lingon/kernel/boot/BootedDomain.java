package dev.lingon.kernel.boot;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.SchedulerMetrics;
import dev.lingon.xen.api.DomainHandle;

import org.apache.pekko.actor.typed.ActorSystem;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A domain that booted: its actor system on its kernel, under its root supervisor. Thread-safe. */
public final class BootedDomain {
    private final BootContext context;
    private final ActorSystem<?> system;
    private final long bootNanos;

    BootedDomain(BootContext context, ActorSystem<?> system, long bootNanos) {
        this.context = context;
        this.system = system;
        this.bootNanos = bootNanos;
    }

    public DomainSpec spec() {
        return context.spec();
    }

    public DomainHandle handle() {
        return context.handle();
    }

    public BootContext context() {
        return context;
    }

    public ActorSystem<?> system() {
        return system;
    }

    public DomainKernel kernel() {
        return context.kernel();
    }

    public SchedulerMetrics metrics() {
        return context.kernel().metrics();
    }

    /** Nanoseconds from the start of boot to the root supervisor having started everything. */
    public long bootNanos() {
        return bootNanos;
    }

    /**
     * Ends the domain's actor system and its kernel (the toolstack does this before destroying the
     * domain). Waits up to {@code timeout} for the system to terminate; the kernel closes either way.
     */
    public void terminate(Duration timeout) {
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(BootedDomain.class)
                    .warn("actor system of {} did not terminate within {}: {}", spec().name(), timeout, e.toString());
        } finally {
            context.kernel().close();
            context.closeAll();
        }
    }
}
