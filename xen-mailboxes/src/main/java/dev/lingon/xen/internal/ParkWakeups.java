package dev.lingon.xen.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Park/unpark wake-ups for a domain whose every waker is in this JVM. The sleeper publishes its thread
 * (volatile) and then re-reads the condition (volatile); a waker writes the condition and then reads
 * the thread: with sequentially consistent volatiles one sees the other, and an unpark that comes
 * before the park leaves a permit, so the park returns at once.
 */
public final class ParkWakeups implements VcpuWakeups {
    private final AtomicReferenceArray<Thread> sleepers;

    public ParkWakeups(int vcpus) {
        this.sleepers = new AtomicReferenceArray<>(vcpus);
    }

    @Override
    public void sleep(int vcpu, BooleanSupplier wakeUp, long timeoutNanos) {
        Thread me = Thread.currentThread();
        sleepers.set(vcpu, me);
        try {
            if (wakeUp.getAsBoolean()) {
                return;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            sleepers.compareAndSet(vcpu, me, null);
        }
    }

    @Override
    public void wake(int vcpu) {
        Thread t = sleepers.get(vcpu);
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public boolean isSleeping(int vcpu) {
        Thread t = sleepers.get(vcpu);
        return t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    }
}
