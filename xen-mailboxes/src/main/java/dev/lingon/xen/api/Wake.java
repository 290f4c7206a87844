package dev.lingon.xen.api;

/** Why a vCPU came back from {@code SCHEDOP_block} or {@code SCHEDOP_poll}. */
public enum Wake {
    /** An event it can see became pending (for block: upcall_pending; for poll: one of the polled ports). */
    EVENT,
    /** The deadline passed with nothing pending. */
    TIMEOUT,
    /** The domain is shutting down or dying: the vCPU must stop running guest code. */
    SHUTDOWN,
    /** The waiting thread was interrupted; its interrupt status is kept. */
    INTERRUPTED
}
