/**
 * dom0's console daemon ({@code xenconsoled}'s role): it maps each domain's console page, reads the
 * lines the domain writes into a bounded per-domain {@link dev.lingon.kernel.dom0.console.ConsoleLog},
 * and lets the toolstack replay and follow them ({@code lingon console <domain>}).
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>A domain is attached by domid once its console device has published {@code ring-ref} and
 *   {@code port} (under {@code console/} or {@code data/console/} of its home) and detached when it is
 *   destroyed; detaching reads what is left, ends the log and releases the mapping and the port.</li>
 *   <li>Lines arrive in the order the domain wrote them; the log keeps the last N and counts the
 *   evicted ones. A subscriber sees the kept lines, then (following) each later line once, in order.</li>
 *   <li>Consumption frees ring space; the daemon then notifies the domain, whose console moves the
 *   lines that waited for space into the ring.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * One daemon thread serves every domain, waiting with {@code SCHEDOP_poll} on one vCPU of dom0 (the
 * last by default); subscribers are called on it.
 */
package dev.lingon.kernel.dom0.console;
