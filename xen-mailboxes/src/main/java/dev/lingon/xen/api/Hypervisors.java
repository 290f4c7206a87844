package dev.lingon.xen.api;

import dev.lingon.xen.internal.InProcessHypervisor;
import dev.lingon.xen.internal.SystemClock;
import dev.lingon.xen.internal.XenstoreBackend;
import dev.lingon.xen.internal.store.Xenstored;

/** Where hypervisors come from. */
public final class Hypervisors {
    /** vCPUs of dom0 in the in-process backend: enough for the toolstack and its devices. */
    public static final int DEFAULT_DOM0_VCPUS = 4;

    private Hypervisors() {
    }

    /** An in-process hypervisor on the host's monotonic clock, with its own xenstored and dom0. */
    public static Hypervisor inProcess() {
        return inProcess(SystemClock.INSTANCE);
    }

    /** An in-process hypervisor on the given clock (a simulation's virtual clock, say). */
    public static Hypervisor inProcess(XenClock clock) {
        Xenstored xenstored = new Xenstored();
        return new InProcessHypervisor(clock, new XenstoreBackend() {
            @Override
            public XenStore connect(int domid) {
                return xenstored.connect(domid);
            }

            @Override
            public void introduceDomain(int domid) {
                xenstored.introduceDomain(domid);
            }

            @Override
            public void releaseDomain(int domid) {
                xenstored.releaseDomain(domid);
            }
        }, DEFAULT_DOM0_VCPUS);
    }
}
