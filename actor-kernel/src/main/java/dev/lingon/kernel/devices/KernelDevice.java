package dev.lingon.kernel.devices;

import dev.lingon.kernel.api.KernelService;
import dev.lingon.supervision.api.ChildSpec;

/**
 * A kernel device of a domain: the state it keeps outside any actor (pages, ports, request queues)
 * and the supervised worker that serves it on the kernel lane.
 *
 * <p>Life cycle, as the kernel boot drives it: a device's static {@code start(DomainContext)} factory
 * does its hypervisor set-up at once; {@link #childSpec()} goes under the domain's root supervisor
 * (before the application); {@link #close()} releases what the device holds once the domain's actor
 * system has stopped. The worker may be restarted by its supervisor any number of times in between:
 * whatever the device handed to the application keeps working, because the state lives here and
 * each new incarnation of the worker takes it over.
 *
 * <p>Thread-safe.
 */
public interface KernelDevice extends AutoCloseable {

    /** The kernel service this device provides. */
    KernelService service();

    /**
     * The device's worker, a permanent child whose actor runs on the kernel lane
     * ({@link dev.lingon.scheduler.api.Kernels#KERNEL_DISPATCHER}). Its id is the service's config name
     * ({@code console}, {@code store}, {@code control}). Each call builds an equal spec.
     */
    ChildSpec childSpec();

    /**
     * Releases what the device holds outside its worker (ports, grants, registrations) and refuses
     * further use. Idempotent; tolerates a domain that is already shut down or destroyed.
     */
    @Override
    void close();
}
