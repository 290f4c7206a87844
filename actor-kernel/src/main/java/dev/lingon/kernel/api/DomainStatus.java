package dev.lingon.kernel.api;

import java.time.Duration;

/**
 * One row of {@code lingon list}, as {@code xl list} shows it.
 *
 * @param state     xl's letter: r running, b blocked, p paused, s shutdown, c crashed, d dying
 * @param memoryMiB the domain's memory
 */
public record DomainStatus(String name, int domid, char state, int vcpus, int memoryMiB, Duration uptime) {
}
