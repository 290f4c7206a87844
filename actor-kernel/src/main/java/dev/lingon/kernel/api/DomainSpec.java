package dev.lingon.kernel.api;

import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import java.util.Map;
import java.util.Objects;

/**
 * A domain as its config file describes it (xl.cfg style; see {@code dev.lingon.kernel.config}).
 *
 * @param name        unique domain name
 * @param vcpus       vCPUs (kernel scheduler threads)
 * @param memoryMiB   memory: the domain's page allowance in-process, the JVM heap of a process domain
 * @param application fully qualified class name of the {@link Application}
 * @param policy      on_poweroff / on_reboot / on_watchdog / on_crash / on_soft_reset and the domain restart intensity
 * @param backend     where the domain runs
 * @param extra       application key/values
 * @param source      where the spec came from (file path or description), for messages
 */
public record DomainSpec(String name, int vcpus, int memoryMiB, String application, DomainRestartPolicy policy,
                         Backend backend, Map<String, String> extra, String source) {

    /** Where a domain runs. */
    public enum Backend {
        /** In dom0's JVM. */
        INPROC,
        /** In its own OS process. */
        PROCESS
    }

    public DomainSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(backend, "backend");
        extra = Map.copyOf(extra);
        if (vcpus < 1 || vcpus > 32) {
            throw new IllegalArgumentException("vcpus must be 1..32, got " + vcpus);
        }
        if (memoryMiB < 16) {
            throw new IllegalArgumentException("memory must be at least 16 MiB, got " + memoryMiB);
        }
    }

    /** A spec built in code: one vCPU, 256 MiB, Xen's default actions, in-process. */
    public static DomainSpec of(String name, Class<? extends Application> application) {
        return new DomainSpec(name, 1, 256, application.getName(), DomainRestartPolicy.defaults(), Backend.INPROC, Map.of(), "code");
    }

    public DomainSpec withName(String n) {
        return new DomainSpec(n, vcpus, memoryMiB, application, policy, backend, extra, source);
    }

    public DomainSpec withVcpus(int n) {
        return new DomainSpec(name, n, memoryMiB, application, policy, backend, extra, source);
    }

    public DomainSpec withPolicy(DomainRestartPolicy p) {
        return new DomainSpec(name, vcpus, memoryMiB, application, p, backend, extra, source);
    }

    public DomainSpec withMemory(int mib) {
        return new DomainSpec(name, vcpus, mib, application, policy, backend, extra, source);
    }

    public DomainSpec withBackend(Backend b) {
        return new DomainSpec(name, vcpus, memoryMiB, application, policy, b, extra, source);
    }

    public DomainSpec withExtra(Map<String, String> e) {
        return new DomainSpec(name, vcpus, memoryMiB, application, policy, backend, e, source);
    }
}
