package dev.lingon.xen.remote;

import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.internal.SharedInfoPage;
import dev.lingon.xen.internal.SystemClock;
import dev.lingon.xen.layout.PollMaskLayout;
import dev.lingon.xen.layout.SharedInfoLayout;
import dev.lingon.xen.shm.Doorbell;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * A remote domain's scheduler hypercalls. {@code SCHEDOP_block} and {@code SCHEDOP_poll} never leave
 * the process: a vCPU sleeps on its doorbell in the domain's file ({@link dev.lingon.xen.layout.DoorbellLayout})
 * until what it waits for is set in its shared-info page, and whoever raises a port of this domain
 * (dom0, in another process) rings that doorbell after setting the bit, so no wake-up is lost. State
 * changes dom0 pushes (pause, shutdown, crash) and a lost link ring every doorbell, so waiters look
 * again. Deadlines are on {@link SystemClock} ({@code System.nanoTime}, {@code CLOCK_MONOTONIC}, the
 * same in every process of the host). Thread-safe.
 *
 * <p>A wait does not notice {@link Thread#interrupt()} until something rings its doorbell or its
 * deadline passes: the futex wait underneath is not interruptible.
 */
final class RemoteSched implements Sched {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final RemoteXenDomain d;

    RemoteSched(RemoteXenDomain d) {
        this.d = d;
    }

    @Override
    public Wake block(int vcpu, long deadlineNanos) {
        d.checkVcpu(vcpu);
        SharedInfoPage si = d.sharedInfoPage();
        // SCHEDOP_block re-enables event delivery before it decides to sleep.
        si.setUpcallMask(vcpu, false);
        return waitFor(vcpu, deadlineNanos, () -> si.isUpcallPending(vcpu));
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
        long bit = 1L << vcpu;
        // Announce the poll before the first look at the bits (PollMaskLayout's protocol): a raiser that
        // sets a polled bit after our look sees our mask bit and rings our doorbell.
        LONG.getAndBitwiseOr(d.file(), PollMaskLayout.POLL_MASK_OFFSET, bit);
        try {
            return waitFor(vcpu, deadlineNanos, () -> {
                for (int p : copy) {
                    if (si.isPending(p)) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            LONG.getAndBitwiseAnd(d.file(), PollMaskLayout.POLL_MASK_OFFSET, ~bit);
        }
    }

    private Wake waitFor(int vcpu, long deadlineNanos, BooleanSupplier event) {
        if (Thread.currentThread().isInterrupted()) {
            return Wake.INTERRUPTED;
        }
        Doorbell bell = d.doorbell(vcpu);
        d.inSched().incrementAndGet();
        try {
            boolean ready = bell.await(() -> d.stopping() || (!d.paused() && event.getAsBoolean()), deadlineNanos);
            if (d.stopping()) {
                return Wake.SHUTDOWN;
            }
            if (ready) {
                return Wake.EVENT;
            }
            return Thread.currentThread().isInterrupted() ? Wake.INTERRUPTED : Wake.TIMEOUT;
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
            d.doorbell(vcpu).await(() -> !d.paused() || d.stopping() || Thread.currentThread().isInterrupted(), NO_DEADLINE);
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
