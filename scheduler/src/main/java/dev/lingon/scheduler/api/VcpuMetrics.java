package dev.lingon.scheduler.api;

/**
 * What one vCPU has done since the kernel started, as a kernel counts it.
 *
 * @param busyNanos       time not spent idle (running slices, scanning events)
 * @param idleNanos       time spinning idle or blocked
 * @param slices          mailbox runs (each up to {@code throughput} messages)
 * @param steals          slices taken from another vCPU's run queue
 * @param eventsDelivered pending ports turned into {@link dev.lingon.xen.api.EventPending} messages by this vCPU
 * @param blocks          times it blocked in {@code SCHEDOP_block}
 * @param wakeups         times it came back from a block because of an event (an IPI or a bound port)
 * @param runQueueLength  tasks waiting in its run queue at the time of the snapshot
 */
public record VcpuMetrics(int vcpu, long busyNanos, long idleNanos, long slices, long steals,
                          long eventsDelivered, long blocks, long wakeups, int runQueueLength) {
}
