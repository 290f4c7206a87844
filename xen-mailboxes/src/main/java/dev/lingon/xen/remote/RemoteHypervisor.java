package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenClock;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.SystemClock;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The hypervisor as an unprivileged domain's process sees it ({@link RemoteXenDomain#hypervisor()}):
 * it knows only itself. Toolstack operations are domctls, which Xen refuses to an unprivileged
 * domain with {@code EPERM}; they answer that here too (a domain may still shut itself down). Faults
 * are injected in dom0, where every hypercall passes, so no interceptor is installed here. Listening
 * to other domains and reaching dom0's own domain are misuse. Thread-safe.
 */
final class RemoteHypervisor implements Hypervisor {
    private final RemoteXenDomain self;

    RemoteHypervisor(RemoteXenDomain self) {
        this.self = self;
    }

    @Override
    public XenDomain dom0() {
        throw new UnsupportedOperationException(self.handle() + " runs in its own process; dom0's domain lives in dom0's process");
    }

    @Override
    public Result<DomainHandle> createDomain(DomainConfig config) {
        return Result.err(Errno.EPERM, "an unprivileged domain cannot create domains");
    }

    @Override
    public Optional<XenDomain> domain(DomainHandle handle) {
        return handle.equals(self.handle()) ? Optional.of(self) : Optional.empty();
    }

    @Override
    public Optional<XenDomain> domain(int domid) {
        return domid == self.domid() ? Optional.of(self) : Optional.empty();
    }

    @Override
    public Optional<XenDomain> domainByName(String name) {
        return name.equals(self.name()) ? Optional.of(self) : Optional.empty();
    }

    @Override
    public Errno pause(DomainHandle handle) {
        return Errno.EPERM;
    }

    @Override
    public Errno unpause(DomainHandle handle) {
        return Errno.EPERM;
    }

    @Override
    public Errno shutdown(DomainHandle handle, ShutdownReason reason) {
        if (!handle.equals(self.handle())) {
            return Errno.EPERM;
        }
        self.sched().shutdown(reason);
        return Errno.OK;
    }

    @Override
    public Errno rename(DomainHandle handle, String newName) {
        return Errno.EPERM;
    }

    @Override
    public Errno destroy(DomainHandle handle) {
        return Errno.EPERM;
    }

    @Override
    public Optional<DomainInfo> info(DomainHandle handle) {
        return handle.equals(self.handle()) ? Optional.of(self.info()) : Optional.empty();
    }

    @Override
    public List<DomainInfo> list() {
        return List.of(self.info());
    }

    @Override
    public void addDomainListener(Consumer<DomainInfo> listener) {
        throw new UnsupportedOperationException("domain listeners are dom0's; " + self.handle() + " hears only about itself, through its state");
    }

    @Override
    public void removeDomainListener(Consumer<DomainInfo> listener) {
        throw new UnsupportedOperationException("domain listeners are dom0's");
    }

    @Override
    public void setFaultInterceptor(FaultInterceptor interceptor) {
        throw new UnsupportedOperationException("faults are injected in dom0, where every hypercall of " + self.handle() + " passes");
    }

    @Override
    public FaultInterceptor faultInterceptor() {
        return null;
    }

    @Override
    public int releaseDeferredNotifications() {
        return 0;
    }

    @Override
    public Errno revokeGrant(DomainHandle granter, int ref) {
        return Errno.EPERM;
    }

    @Override
    public XenClock clock() {
        return SystemClock.INSTANCE;
    }

    /** Nothing to stop: closing the domain is {@link RemoteXenDomain#close()}. */
    @Override
    public void close() {
    }
}
