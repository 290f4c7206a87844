/**
 * The kernel scheduler: the actor scheduler as a domain's kernel.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>A domain's {@link dev.lingon.scheduler.api.DomainKernel} runs every dispatcher of its actor
 *   system (default, internal, blocking-io, and the kernel lane {@code lingon.kernel-dispatcher}) on
 *   its vCPU threads, through {@link dev.lingon.scheduler.api.KernelExecutorConfigurator}. The
 *   dispatcher {@code throughput} is the reduction budget of one slice (one mailbox run).</li>
 *   <li>Run queues are FIFO per vCPU; work a vCPU creates stays on it; idle vCPUs steal; the kernel lane
 *   goes first at every slice boundary. An actor flooding itself delays another by at most the slices
 *   queued ahead of it.</li>
 *   <li>Events as in LING: between slices and whenever a vCPU runs dry it scans the domain's pending
 *   event-channel bits (selector word first), clears them and tells the actor bound to each port an
 *   {@link dev.lingon.xen.api.EventPending}; events raised twice before a scan arrive once. Every
 *   port is masked until bound. An event on an unmasked port with no actor is counted and logged once.</li>
 *   <li>Idle vCPUs spin briefly, then block in {@code SCHEDOP_block}; they are woken by an IPI (another
 *   vCPU or a host thread submitting work) or by a bound port. No lost wake-up.</li>
 *   <li>Counters per vCPU ({@link dev.lingon.scheduler.api.SchedulerMetrics}).</li>
 *   <li>A deterministic simulation ({@link dev.lingon.scheduler.sim.Simulation}) runs every domain of
 *   an in-process hypervisor on one thread under virtual time, choosing the next mailbox run with a
 *   seeded generator; a seed replays exactly.</li>
 * </ul>
 */
package dev.lingon.scheduler.api;
