package dev.lingon.scheduler.api;

import java.util.Objects;

/**
 * How a domain's kernel scheduler runs.
 *
 * @param vcpus          vCPU threads (at most the domain's vCPUs)
 * @param throughput     messages an actor may process per slice: Pekko's dispatcher {@code throughput},
 *                       the kernel's reduction budget
 * @param spinNanos      how long an idle vCPU spins, watching its queues and event bits, before it
 *                       blocks in {@code SCHEDOP_block}; it spins only while its smoothed idle gap is
 *                       shorter than this (LING busy-polls while events come fast, else blocks)
 * @param blockingIoOnVcpus whether Pekko's blocking-io dispatcher also runs on the vCPUs (true: every
 *                       thread of the domain is a vCPU; false: blocking work gets a host pool)
 */
public record KernelConfig(int vcpus, int throughput, long spinNanos, boolean blockingIoOnVcpus) {

    public static final int DEFAULT_THROUGHPUT = 5;
    public static final long DEFAULT_SPIN_NANOS = 200_000;
    /** The system property that overrides {@link #DEFAULT_SPIN_NANOS}. */
    public static final String SPIN_NANOS_PROPERTY = "lingon.kernel.spinNanos";

    public KernelConfig {
        if (vcpus < 1) {
            throw new IllegalArgumentException("a kernel needs at least one vCPU, got " + vcpus);
        }
        if (throughput < 1) {
            throw new IllegalArgumentException("throughput must be at least 1, got " + throughput);
        }
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos must not be negative, got " + spinNanos);
        }
    }

    /**
     * {@code n} vCPUs with the defaults: throughput 5, and an idle spin of up to 200 µs unless the system
     * property {@code lingon.kernel.spinNanos} says otherwise.
     */
    public static KernelConfig vcpus(int n) {
        return new KernelConfig(n, DEFAULT_THROUGHPUT, Long.getLong(SPIN_NANOS_PROPERTY, DEFAULT_SPIN_NANOS), true);
    }

    public KernelConfig withThroughput(int t) {
        return new KernelConfig(vcpus, t, spinNanos, blockingIoOnVcpus);
    }

    public KernelConfig withSpinNanos(long s) {
        return new KernelConfig(vcpus, throughput, s, blockingIoOnVcpus);
    }

    public KernelConfig withBlockingIoOnVcpus(boolean b) {
        return new KernelConfig(vcpus, throughput, spinNanos, b);
    }

    @Override
    public String toString() {
        return Objects.toString(vcpus) + " vCPUs, throughput " + throughput + ", spin " + spinNanos + " ns";
    }
}
