package dev.lingon.scheduler.api;

import java.util.List;

/**
 * A snapshot of a domain kernel's counters (for {@code lingon top} and the autoscaler). Counters are
 * read without stopping the vCPUs, so a snapshot is consistent per counter, not across counters.
 *
 * @param unboundEvents   pending ports that had no actor bound (each such port is logged once)
 * @param kernelQueue     tasks waiting in the kernel lane
 * @param injectedQueue   tasks submitted from outside the vCPUs and not yet taken
 */
public record SchedulerMetrics(String domain, List<VcpuMetrics> vcpus, long unboundEvents, int kernelQueue, int injectedQueue) {

    public long slices() {
        return vcpus.stream().mapToLong(VcpuMetrics::slices).sum();
    }

    public long eventsDelivered() {
        return vcpus.stream().mapToLong(VcpuMetrics::eventsDelivered).sum();
    }

    public long steals() {
        return vcpus.stream().mapToLong(VcpuMetrics::steals).sum();
    }

    public long busyNanos() {
        return vcpus.stream().mapToLong(VcpuMetrics::busyNanos).sum();
    }

    public long idleNanos() {
        return vcpus.stream().mapToLong(VcpuMetrics::idleNanos).sum();
    }

    /** Busy share of all vCPU time since start, 0..1. */
    public double utilisation() {
        long busy = busyNanos();
        long all = busy + idleNanos();
        return all == 0 ? 0 : (double) busy / all;
    }

    public int runQueueLength() {
        return kernelQueue + injectedQueue + vcpus.stream().mapToInt(VcpuMetrics::runQueueLength).sum();
    }
}
