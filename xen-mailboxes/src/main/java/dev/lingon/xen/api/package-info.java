/**
 * The Xen ABI as Lingon's kernels see it: a {@link dev.lingon.xen.api.Hypervisor} (with the toolstack
 * operations dom0 performs) and, per domain, a {@link dev.lingon.xen.api.XenDomain} whose interfaces
 * are the hypercalls that domain makes.
 *
 * <h2>Semantics</h2>
 * Names, states, numbers and error codes are Xen's own ({@code xen/include/public/event_channel.h},
 * {@code grant_table.h}, {@code sched.h}, {@code io/xs_wire.h}, {@code io/libxenvchan.h}), and the rules
 * are those of the hypervisor and xenstored sources, including the easily missed ones:
 * <ul>
 *   <li>Event channels (2-level ABI): ports 1…4095 (port 0 reserved), valid in buckets of 64 as they
 *   are allocated; {@code alloc_unbound} checks the domain's existence before the caller's privilege
 *   and never the remote's; {@code bind_interdomain} leaves the new port pending; {@code send} on an
 *   unbound port is silently dropped; {@code close} returns the peer to unbound, reserved for the
 *   closer, clears the closer's pending bit but not the peer's, and never touches the guest-owned mask
 *   bit. Raising is test-and-set: events merge and carry no data. A masked port loses the edge;
 *   unmask re-raises a still-pending port.</li>
 *   <li>Grant tables (v1): refs 0–7 reserved; entries published domid, frame, fence, flags; ending
 *   access is a CAS of the flags to 0 that fails while mapped; map refusals are mostly
 *   {@code GNTST_general_error}, {@code GNTST_bad_gntref} only past the table; copy checks domains, then
 *   refs, then page bounds.</li>
 *   <li>XenStore: see {@link dev.lingon.xen.api.XenStore}.</li>
 *   <li>Domains: a domid and a generation per incarnation; shutdown keeps resources until destroy,
 *   which closes ports (peers see unbound), releases the mappings the domain holds, refuses new maps
 *   of its grants, and removes its XenStore nodes.</li>
 * </ul>
 *
 * <h2>Values and exceptions</h2>
 * What Xen reports as an error code is a value here ({@link dev.lingon.xen.api.Errno},
 * {@link dev.lingon.xen.api.Result}, {@link dev.lingon.xen.api.GntStatus},
 * {@link dev.lingon.xen.api.MapResult}); callers must look at it. Exceptions are for misuse: a null
 * argument, a vCPU the domain does not have, ending a ref that was never granted.
 *
 * <h2>Threads</h2>
 * Everything here is thread-safe unless its javadoc says otherwise. A vCPU is one thread of execution:
 * two threads may not wait on the same vCPU at once.
 */
package dev.lingon.xen.api;
