package dev.lingon.xen.remote;

import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.internal.SharedInfoPage;
import dev.lingon.xen.internal.SystemClock;
import dev.lingon.xen.internal.VcpuPage;
import dev.lingon.xen.layout.SharedInfoLayout;

import java.util.function.BooleanSupplier;

/**
 * A remote domain's scheduler hypercalls. {@code SCHEDOP_block} and {@code SCHEDOP_poll} never leave
 * the process: a vCPU sleeps on its doorbell in the domain's vCPU page
 * ({@link dev.lingon.xen.layout.DomainFileLayout}) until what it waits for is set in its shared-info or
 * vCPU page; whoever raises a port of this domain (dom0 or a peer, in another process) sets the bits
 * with atomics and then rings, and dom0 publishes the run state (pause, shutdown, crash) the same way,
 * so no wake-up is lost. The same wait as the hypervisor's own vCPUs in one JVM: a kick that reached a
 * running vCPU is forgotten when it blocks, one that comes during the block wakes it even if another
 * vCPU's scan took the event. Deadlines are on {@link SystemClock} ({@code System.nanoTime},
 * {@code CLOCK_MONOTONIC}, the same in every process of the host). Thread-safe.
 *
 * <p>An interrupt is noticed within {@link dev.lingon.xen.internal.DoorbellWakeups#INTERRUPT_CHECK_NANOS}:
 * the futex wait underneath does not see {@link Thread#interrupt()}.
 */
final class RemoteSched implements Sched {
    private final RemoteXenDomain d;

    RemoteSched(RemoteXenDomain d) {
        this.d = d;
    }

    @Override
    public Wake block(int vcpu, long deadlineNanos) {
        d.checkVcpu(vcpu);
        SharedInfoPage si = d.sharedInfoPage();
        VcpuPage vp = d.vcpuPage();
        // SCHEDOP_block re-enables event delivery before it decides to sleep.
        si.setUpcallMask(vcpu, false);
        vp.clearKick(vcpu);
        return waitFor(vcpu, deadlineNanos,
                () -> vp.takeKick(vcpu) || si.isUpcallPending(vcpu),
                () -> vp.isKicked(vcpu) || si.isUpcallPending(vcpu));
    }

    @Override
    public Wake poll(int vcpu, int[] ports, long deadlineNanos) {
        d.checkVcpu(vcpu);
        if (ports.length == 0 || ports.length > 128) {
            throw new IllegalArgumentException("SCHEDOP_poll takes 1..128 ports, got " + ports.length);
        }
        for (int p : ports) {
            if (p <= 0 || p >= SharedInfoLayout.NR_CHANNELS) {
                throw new IllegalArgumentException("SCHEDOP_poll: port " + p + " is out of range");
            }
        }
        int[] copy = ports.clone();
        SharedInfoPage si = d.sharedInfoPage();
        VcpuPage vp = d.vcpuPage();
        // Xen's poll_evtchn and poll_mask, announced before the first look at the bits: a raiser that
        // sets a polled bit after our look sees our mask bit and rings our doorbell.
        vp.startPolling(vcpu, copy.length == 1 ? copy[0] : -1);
        try {
            BooleanSupplier anyPending = () -> {
                for (int p : copy) {
                    if (si.isPending(p)) {
                        return true;
                    }
                }
                return false;
            };
            return waitFor(vcpu, deadlineNanos, anyPending, anyPending);
        } finally {
            vp.stopPolling(vcpu);
        }
    }

    /** {@code ready} decides (it may consume a kick); {@code peek} is its side-effect-free twin the sleeper re-checks. */
    private Wake waitFor(int vcpu, long deadlineNanos, BooleanSupplier ready, BooleanSupplier peek) {
        BooleanSupplier wakeUp = () -> d.stopping() || (!d.paused() && peek.getAsBoolean());
        d.inSched().incrementAndGet();
        try {
            while (true) {
                if (d.stopping()) {
                    return Wake.SHUTDOWN;
                }
                if (!d.paused() && ready.getAsBoolean()) {
                    return Wake.EVENT;
                }
                long now = SystemClock.INSTANCE.nanoTime();
                if (deadlineNanos != NO_DEADLINE && now - deadlineNanos >= 0) {
                    return Wake.TIMEOUT;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return Wake.INTERRUPTED;
                }
                d.wakeups().sleep(vcpu, wakeUp, deadlineNanos == NO_DEADLINE ? -1 : deadlineNanos - now);
            }
        } finally {
            d.inSched().decrementAndGet();
        }
    }

    @Override
    public boolean checkpoint(int vcpu) {
        d.checkVcpu(vcpu);
        if (!d.paused()) {
            return !d.stopping();
        }
        d.inSched().incrementAndGet();
        try {
            while (d.paused() && !d.stopping() && !Thread.currentThread().isInterrupted()) {
                d.wakeups().sleep(vcpu, () -> !d.paused() || d.stopping(), -1);
            }
            return !d.stopping();
        } finally {
            d.inSched().decrementAndGet();
        }
    }

    @Override
    public void yield(int vcpu) {
        Thread.onSpinWait();
    }

    @Override
    public void shutdown(ShutdownReason reason) {
        d.shutdown(reason);
    }

    @Override
    public XenClock clock() {
        return SystemClock.INSTANCE;
    }
}
