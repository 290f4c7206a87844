package dev.lingon.xen.internal;

import java.util.function.BooleanSupplier;

/**
 * How a vCPU's waiting thread sleeps and is woken ({@code vcpu_block} / {@code vcpu_kick} underneath).
 * The backends differ only here and in where pages come from: in one JVM a parked thread is unparked
 * ({@link ParkWakeups}, the fastest there is); when another process may have to wake the vCPU, the
 * thread sleeps on the vCPU's doorbell in the domain's shared vCPU page ({@link DoorbellWakeups}).
 *
 * <p>Contract, which makes a wait loop free of lost wake-ups: whoever makes a wake condition true does
 * so with a volatile or atomic write and then calls {@link #wake}; the sleeper's {@link #sleep} re-checks
 * {@code wakeUp} after it has made itself findable and before it really sleeps. {@code sleep} may also
 * return early for no reason; callers loop.
 */
public sealed interface VcpuWakeups permits ParkWakeups, DoorbellWakeups {

    /**
     * Called by the thread occupying {@code vcpu}: sleeps unless {@code wakeUp} (free of side effects)
     * holds, until {@link #wake}, the relative {@code timeoutNanos} (negative: none), an interrupt, or
     * a spurious wake-up.
     */
    void sleep(int vcpu, BooleanSupplier wakeUp, long timeoutNanos);

    /** Wakes the thread sleeping on {@code vcpu}, if any. */
    void wake(int vcpu);

    /** Whether a thread is asleep (or committed to sleeping, so that a wake reaches it) on {@code vcpu}. */
    boolean isSleeping(int vcpu);
}
