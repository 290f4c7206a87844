package dev.lingon.xen.api;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.concurrent.Executor;

/**
 * What turns a domain's pending event-channel ports into messages: the domain's kernel. A device or
 * mailbox that owns a port binds it to the actor that must run when the port is raised (LING's
 * "pore"); the kernel clears the port and tells that actor {@link EventPending}.
 */
public interface EventBinder {

    /**
     * Binds {@code port} to {@code actor} and unmasks it, so that raising it makes the actor runnable;
     * a port that was already pending is delivered at the next scan.
     */
    void bind(int port, ActorRef<EventPending> actor);

    /** Removes the binding and masks the port. */
    void unbind(int port);

    /**
     * Runs {@code task} after the application actors already waiting to run: how a device that has
     * used its batch and still has work continues without shutting the domain's actors out (Linux
     * NAPI's rule against receive livelock). A kernel that runs recently created work first queues the
     * task behind the work already waiting instead; the default simply hands it to {@code applicationLane}
     * (the system's default dispatcher).
     */
    default void deferBehindApplications(Runnable task, Executor applicationLane) {
        applicationLane.execute(task);
    }
}
