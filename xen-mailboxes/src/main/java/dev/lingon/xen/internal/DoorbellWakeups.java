package dev.lingon.xen.internal;

import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.shm.Doorbell;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Doorbell wake-ups: a sleeping vCPU waits on its doorbell in the domain's vCPU page
 * ({@link DomainFileLayout#doorbellOffset}), so any process that maps the page can wake it with a
 * ring — dom0 raising an event, or another domain's process sending on an interdomain port. The
 * doorbell's Dekker protocol ({@link dev.lingon.xen.layout.DoorbellLayout}) keeps it free of lost
 * wake-ups; a ring that finds no sleeper costs no system call.
 *
 * <p>A thread in {@code FUTEX_WAIT} does not see {@link Thread#interrupt()} (the JVM sends no signal),
 * so one sleep lasts at most {@link #INTERRUPT_CHECK_NANOS} before the caller's loop looks at the
 * interrupt status again: an interrupted vCPU returns within that bound, not at once.
 */
public final class DoorbellWakeups implements VcpuWakeups {
    /** The longest single futex wait: how late an interrupt may be noticed. */
    public static final long INTERRUPT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Doorbell[] bells;

    /** Doorbells of vCPUs {@code 0 .. vcpus-1} in a vCPU page. */
    public DoorbellWakeups(VcpuPage page, int vcpus) {
        this.bells = new Doorbell[vcpus];
        for (int v = 0; v < vcpus; v++) {
            bells[v] = new Doorbell(page.segment(), DomainFileLayout.vcpuSlotInPage(v) + DomainFileLayout.DOORBELL_IN_SLOT);
        }
    }

    @Override
    public void sleep(int vcpu, BooleanSupplier wakeUp, long timeoutNanos) {
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        long slice = timeoutNanos < 0 ? INTERRUPT_CHECK_NANOS : Math.min(timeoutNanos, INTERRUPT_CHECK_NANOS);
        bells[vcpu].sleepUnless(wakeUp, slice);
    }

    @Override
    public void wake(int vcpu) {
        bells[vcpu].ring();
    }

    @Override
    public boolean isSleeping(int vcpu) {
        return bells[vcpu].waiters() > 0;
    }

    /** The doorbell of a vCPU, for processes that ring it directly. */
    public Doorbell doorbell(int vcpu) {
        return bells[vcpu];
    }
}
