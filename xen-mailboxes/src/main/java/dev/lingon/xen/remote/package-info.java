/**
 * The process backend's hypercall path: each domain in its own OS process, dom0's hypervisor in
 * another, as Xen keeps the hypervisor apart from its guests.
 *
 * <p><b>Control plane.</b> A domain's process reaches dom0 over one Unix-domain socket
 * ({@link dev.lingon.xen.remote.HypercallLayout}: little-endian frames, Xen's operation numbers). dom0
 * {@linkplain dev.lingon.xen.remote.HypercallServer#admit admits} a domain before launching its
 * process and hands it a {@link dev.lingon.xen.remote.LaunchTicket} (in its environment); the
 * process's hello presents the ticket's one-time token, and from then on its connection speaks for
 * that domain only. dom0 carries out every request on that domain's own dom0-side
 * {@link dev.lingon.xen.api.XenDomain}, so every permission check of the hypervisor applies and its
 * answers (errnos, {@code GNTST_*} codes) come back as values. A malformed frame or a bad hello ends
 * that connection only, with a reason; any end of a bound connection — the process exited, was
 * killed, broke the protocol — is reported to dom0's {@link dev.lingon.xen.remote.HypercallServer.Listener},
 * which treats the domain as crashed.
 *
 * <p><b>Data plane.</b> Pages live in per-domain shared-memory files
 * ({@link dev.lingon.xen.layout.DomainFileLayout}). A domain's process maps its own file whole and works
 * on it as a guest works on its pages: pending and mask bits, the upcall scan, its frames; its vCPUs
 * block and poll on doorbells in it, with no round trip through dom0. A mapped grant is the single
 * page of the granter's file that dom0 named when it checked the map. Sending on an interdomain port
 * raises the peer directly in the peer's file, after dom0 authorised mapping the peer's event pages.
 *
 * <p>{@link dev.lingon.xen.remote.RemoteXenDomain} is the domain side: a
 * {@link dev.lingon.xen.api.XenDomain} a kernel uses unchanged. If the link to dom0 is lost, the
 * domain's calls fail with {@link dev.lingon.xen.remote.Dom0LinkException}, its vCPUs wake with
 * {@link dev.lingon.xen.api.Wake#SHUTDOWN}, and its process must stop.
 */
package dev.lingon.xen.remote;
