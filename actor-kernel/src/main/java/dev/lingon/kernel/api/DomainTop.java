package dev.lingon.kernel.api;

/**
 * One row of {@code lingon top}: what the domain's kernel scheduler did since the last sample.
 *
 * @param cpuPercent     busy vCPU time over wall time, in percent of one vCPU (200 = two busy vCPUs)
 * @param slicesPerSec   mailbox runs per second
 * @param eventsPerSec   event-channel events delivered to actors per second
 * @param runQueue       tasks waiting now
 */
public record DomainTop(String name, int domid, int vcpus, double cpuPercent, double slicesPerSec, double eventsPerSec,
                        long steals, int runQueue) {
}
