package dev.lingon.scheduler.api;

/** Which run queue a dispatcher's work goes to. */
public enum Lane {
    /** Device and system actors: served before application work at every slice boundary. */
    KERNEL,
    /** Application actors. */
    APP
}
