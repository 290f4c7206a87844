package dev.lingon.scheduler.sim;

import dev.lingon.xen.api.XenClock;

/**
 * The simulation's virtual time, in nanoseconds: one clock for the hypervisor and every actor system
 * of a simulation. It moves only when the driver advances it to the next timer. Driver thread only.
 */
public final class SimClock implements XenClock {
    private long nanos;

    @Override
    public long nanoTime() {
        return nanos;
    }

    void advanceTo(long t) {
        if (t > nanos) {
            nanos = t;
        }
    }
}
