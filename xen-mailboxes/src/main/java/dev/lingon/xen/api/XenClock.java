package dev.lingon.xen.api;

/**
 * The hypervisor's monotonic clock, in nanoseconds (Xen's system time). Injected so a simulation can
 * run on virtual time; the in-process backend defaults to the host's monotonic clock.
 */
@FunctionalInterface
public interface XenClock {
    long nanoTime();
}
