package dev.lingon.xen.internal;

/**
 * Raising an event in a domain and waking its vCPUs: Xen's {@code evtchn_port_set_pending} for the
 * 2-level ABI ({@link SharedInfoPage#raise}), then {@code vcpu_kick} and {@code evtchn_check_pollers}.
 * Works only on the domain's shared-info page and vCPU page plus its {@link VcpuWakeups}, so dom0's
 * hypervisor and any other process that maps the domain's file raise events with this same code.
 * Safe for any thread.
 */
public final class EventDelivery {
    private final SharedInfoPage sharedInfo;
    private final VcpuPage vcpuPage;
    private final VcpuWakeups wakeups;
    private final int vcpus;

    public EventDelivery(SharedInfoPage sharedInfo, VcpuPage vcpuPage, VcpuWakeups wakeups, int vcpus) {
        this.sharedInfo = sharedInfo;
        this.vcpuPage = vcpuPage;
        this.wakeups = wakeups;
        this.vcpus = vcpus;
    }

    /**
     * Sets {@code port} pending with {@code vcpu} as its notify vCPU and wakes whoever must see it: the
     * vCPU when its upcall_pending went up, and every vCPU polling the port. Each wake-up comes after
     * the atomic that set the pending bit, as the doorbell protocol needs.
     */
    public SharedInfoPage.Raise raise(int port, int vcpu) {
        SharedInfoPage.Raise r = sharedInfo.raise(port, vcpu);
        if (r == SharedInfoPage.Raise.MERGED) {
            return r;
        }
        if (r == SharedInfoPage.Raise.KICK) {
            kick(vcpu);
        }
        if (vcpuPage.pollMask() != 0) {
            wakePollers(port);
        }
        return r;
    }

    /** {@code vcpu_kick}: the kicked word, then the wake-up. */
    public void kick(int vcpu) {
        vcpuPage.kick(vcpu);
        wakeups.wake(vcpu);
    }

    /** {@code evtchn_check_pollers}: wake each vCPU polling {@code port}, or polling several ports. */
    public void wakePollers(int port) {
        long mask = vcpuPage.pollMask();
        while (mask != 0) {
            int v = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            int polled = vcpuPage.pollEvtchn(v);
            if (polled <= 0 || polled == port) {
                wakeups.wake(v);
            }
        }
    }

    /** Wakes every vCPU so each re-reads the domain's state (pause, unpause, shutdown, destruction). */
    public void wakeAll() {
        for (int v = 0; v < vcpus; v++) {
            wakeups.wake(v);
        }
    }

    public SharedInfoPage sharedInfo() {
        return sharedInfo;
    }

    public VcpuPage vcpuPage() {
        return vcpuPage;
    }

    public VcpuWakeups wakeups() {
        return wakeups;
    }
}
