/**
 * A domain's kernel devices: the console, the XenStore client and the control ({@code control/shutdown})
 * device, each a {@link dev.lingon.kernel.devices.KernelDevice} whose worker is an actor on the kernel
 * lane, supervised under the domain's root supervisor.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>A device's state (pages, ports, queues, watch table) lives in the device object, created by
 *   its {@code start(DomainContext)} factory; its worker only serves it. When a supervisor restarts the
 *   worker, the new incarnation takes the state over (rebinds the port, reopens its xenstored
 *   connection and re-registers watches, drains requests made meanwhile), so the facade the
 *   application holds ({@link dev.lingon.kernel.api.Console}, {@link dev.lingon.kernel.api.StoreClient})
 *   keeps working and loses nothing.</li>
 *   <li>Console: lines go to the {@code out} ring of the domain's {@code xencons_interface} page,
 *   granted to dom0 at {@code GNTTAB_RESERVED_CONSOLE}; a full ring buffers a bounded number of lines,
 *   then drops the oldest and counts them. Callers never wait for dom0. Logback's
 *   {@link dev.lingon.kernel.devices.ConsoleAppender} routes a domain's log lines there.</li>
 *   <li>Store: requests are carried out in the order made, results are Xen's ({@code Result} with an
 *   errno, never an exception), watch events arrive as messages, transactions retry on EAGAIN.</li>
 *   <li>Control: {@code poweroff}/{@code halt}, {@code reboot} and {@code suspend} in
 *   {@code control/shutdown} are acknowledged (written back as {@code ""}), then the application tree
 *   stops (children in reverse order), then the domain shuts down with that reason.</li>
 * </ul>
 *
 * <h2>Booting</h2>
 * The kernel boot starts the devices the image names ({@code ConsoleDevice.start(ctx)},
 * {@code StoreDevice.start(ctx)}, {@code ControlDevice.start(ctx)}), puts their
 * {@link dev.lingon.kernel.devices.KernelDevice#childSpec() child specs} first under the root
 * supervisor (console, store, control, then the application, so the application stops first), and
 * closes them after the actor system terminated. The actor system must be a kernel system
 * ({@code Kernels.actorSystem}): workers run on {@code lingon.kernel-dispatcher}.
 *
 * <h2>Threads</h2>
 * Facades are thread-safe and never block on the hypervisor's peers; each class says which thread
 * owns which state.
 */
package dev.lingon.kernel.devices;
