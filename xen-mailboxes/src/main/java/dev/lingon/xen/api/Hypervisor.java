package dev.lingon.xen.api;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hypervisor together with the toolstack operations dom0 performs on it (domain create, pause,
 * shutdown, destroy, list — what {@code xl} does through domctls and XenStore).
 *
 * <p>Domain lifecycle: {@link #createDomain} allocates a domid and a fresh generation, its shared-info
 * page and grant table, creates its XenStore home {@code /local/domain/<domid>} (owned by dom0,
 * readable by the domain; {@code data/}, {@code device/}, {@code control/} and friends as libxl makes
 * them) and introduces it to xenstored. {@link #shutdown} moves it to shutdown (crashed for
 * {@link ShutdownReason#CRASH}) and raises {@code VIRQ_DOM_EXC} in dom0; its resources stay until
 * {@link #destroy}, which closes its ports (peers see unbound), releases the grant mappings it holds,
 * ends its grants (new maps fail; existing mappings stay valid until unmapped), removes its XenStore
 * nodes and fires {@code @releaseDomain}.
 *
 * <p>Thread-safe.
 */
public interface Hypervisor extends AutoCloseable {

    /** dom0: always present while the hypervisor runs. */
    XenDomain dom0();

    /** Creates and starts (unpaused) a domain. EEXIST when the name is taken, ENOSPC when domids run out. */
    Result<DomainHandle> createDomain(DomainConfig config);

    /** The domain behind a handle, if that incarnation still exists (not yet destroyed). */
    Optional<XenDomain> domain(DomainHandle handle);

    /** The current incarnation of a domid. */
    Optional<XenDomain> domain(int domid);

    Optional<XenDomain> domainByName(String name);

    Errno pause(DomainHandle handle);

    Errno unpause(DomainHandle handle);

    /** {@code SCHEDOP_remote_shutdown} / {@code xl shutdown}: the domain stops with this reason. */
    Errno shutdown(DomainHandle handle, ShutdownReason reason);

    /**
     * {@code libxl_domain_rename}: gives a domain another name (also in its XenStore home), as xl does
     * to keep a crashed domain for inspection while a new one starts under the old name. EEXIST when
     * the name is taken, ESRCH for a stale handle, EPERM for dom0.
     */
    Errno rename(DomainHandle handle, String newName);

    /** {@code xl destroy}: tears the domain down. dom0 cannot be destroyed (EPERM). */
    Errno destroy(DomainHandle handle);

    Optional<DomainInfo> info(DomainHandle handle);

    /** Every domain, ordered by domid. */
    List<DomainInfo> list();

    /** Called after every state change of any domain (created, paused, shutdown, destroyed …), outside hypervisor locks. */
    void addDomainListener(Consumer<DomainInfo> listener);

    void removeDomainListener(Consumer<DomainInfo> listener);

    /** Installs the fault interceptor, or removes it with null. */
    void setFaultInterceptor(FaultInterceptor interceptor);

    /** The installed fault interceptor, or null. */
    FaultInterceptor faultInterceptor();

    /** Raises every notification a {@link FaultInterceptor} deferred, in the order they were sent. Returns how many. */
    int releaseDeferredNotifications();

    /**
     * Fault injection: the granter's entry is overwritten with flags 0 even while mapped, as a buggy
     * or hostile guest could do. New maps fail; existing mappings stay (Xen cannot take them back).
     */
    Errno revokeGrant(DomainHandle granter, int ref);

    XenClock clock();

    /** Destroys every domain but dom0, then stops. */
    @Override
    void close();
}
