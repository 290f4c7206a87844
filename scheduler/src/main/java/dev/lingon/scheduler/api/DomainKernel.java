package dev.lingon.scheduler.api;

import dev.lingon.xen.api.EventBinder;
import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.concurrent.ExecutorService;

/**
 * The kernel of one domain: what runs its actors (an executor per {@link Lane}) and turns its pending
 * event-channel ports into messages for the actors bound to them. Two implementations: vCPU threads
 * ({@link Kernels#start}) and the single-thread deterministic simulation
 * ({@link dev.lingon.scheduler.sim.Simulation}). Thread-safe.
 */
public interface DomainKernel extends EventBinder, AutoCloseable {

    XenDomain domain();

    /** The executor a dispatcher of this lane hands its mailboxes to. */
    ExecutorService executor(Lane lane);

    /**
     * Binds a port to an actor: from now on, each time the kernel finds the port pending it clears it
     * and tells the actor {@link EventPending}. Unmasks the port (so raising it flags a vCPU); if it was
     * already pending the actor hears of it at the next scan. Rebinding replaces the actor.
     *
     * @throws IllegalArgumentException for a port outside 1..4095 or one the kernel uses itself
     */
    @Override
    void bind(int port, ActorRef<EventPending> actor);

    /** Removes a binding and masks the port again. */
    @Override
    void unbind(int port);

    SchedulerMetrics metrics();

    /** Stops the kernel: its vCPUs finish their current slice and exit; queued work is dropped. */
    @Override
    void close();
}
