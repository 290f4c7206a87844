package dev.lingon.xen.api;

/**
 * Scheduler hypercalls of a domain ({@code xen/include/public/sched.h}): how a vCPU gives up the
 * processor and how a domain shuts itself down. In the in-process and shared-memory backends a "vCPU"
 * is whichever thread calls in with that vCPU number; several threads may wait at once. In the
 * shared-memory backend a waiting thread sleeps in a futex, which {@link Thread#interrupt()} does not
 * reach, so an interrupted wait returns within a bounded delay (tens of milliseconds), not at once.
 *
 * <p>No lost wake-up: a wait that starts after an event became pending returns at once, and an event
 * raised while a vCPU waits wakes it. While the domain is paused, waits do not return {@link Wake#EVENT}.
 */
public interface Sched {

    /** Deadline meaning "no timeout". */
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * {@code SCHEDOP_block} with a {@code set_timer_op} deadline: re-enables event delivery
     * (clears {@code upcall_mask}) and blocks until {@code upcall_pending} is set for this vCPU, the
     * deadline (in {@link XenClock} nanoseconds) passes, or the domain shuts down.
     */
    Wake block(int vcpu, long deadlineNanos);

    /**
     * {@code SCHEDOP_poll}: waits until one of {@code ports} is pending (masked or not), the deadline
     * passes, or the domain shuts down. Returns at once if one is already pending. Up to 128 ports.
     */
    Wake poll(int vcpu, int[] ports, long deadlineNanos);

    /**
     * Waits while the domain is paused (a paused domain's vCPUs do not run). Returns true to go on
     * running, false when the domain is shutting down or dying.
     */
    boolean checkpoint(int vcpu);

    /** {@code SCHEDOP_yield}: a hint; returns at once. */
    void yield(int vcpu);

    /** {@code SCHEDOP_shutdown}: the domain shuts itself down with this reason. */
    void shutdown(ShutdownReason reason);

    /** The clock that deadlines are measured on. */
    XenClock clock();
}
