package dev.lingon.xen.internal;

import dev.lingon.xen.api.XenClock;

/** The host's monotonic clock: the adapter through which real time enters the Xen model. */
public final class SystemClock implements XenClock {
    public static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }
}
