package dev.lingon.xen.api;

import dev.lingon.xen.internal.InProcessHypervisor;
import dev.lingon.xen.internal.SystemClock;
import dev.lingon.xen.internal.XenstoreBackend;
import dev.lingon.xen.internal.store.Xenstored;
import dev.lingon.xen.shm.ShmDirectory;

/**
 * Where hypervisors come from. Both kinds run the same hypervisor in this JVM (domids, generations,
 * event-channel and grant tables, XenStore, life cycles) and differ in where domains' pages live and
 * how a blocked vCPU is woken:
 * <ul>
 *   <li>{@link #inProcess()}: pages in off-heap arenas, vCPUs park and are unparked — the fastest, for
 *   domains that all run in this JVM and for simulation;</li>
 *   <li>{@link #sharedMemory(ShmDirectory)}: each domain's pages in its own memory-mapped file
 *   {@code dom<domid>-g<generation>.mem} ({@link dev.lingon.xen.layout.DomainFileLayout}), vCPUs sleep
 *   on futex doorbells in that file — so another process that maps the file sees the same shared
 *   info, port states and granted pages, and can wake the domain's vCPUs.</li>
 * </ul>
 */
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
        return InProcessHypervisor.inProcess(clock, xenstored(), DEFAULT_DOM0_VCPUS);
    }

    /**
     * A hypervisor whose domains' pages live in shared-memory files in a run directory of its own
     * under {@link ShmDirectory#defaultBase()} ({@code /dev/shm/lingon-<user>/<pid>…}). It owns that
     * directory: {@link Hypervisor#close()} removes it with every file in it.
     *
     * @throws UnsupportedOperationException where futexes are not available (Linux on amd64/aarch64 only)
     */
    public static Hypervisor sharedMemory() {
        ShmDirectory dir = ShmDirectory.create(ShmDirectory.defaultBase());
        try {
            return InProcessHypervisor.sharedMemory(SystemClock.INSTANCE, xenstored(), DEFAULT_DOM0_VCPUS, dir, true);
        } catch (RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    /**
     * A hypervisor whose domains' pages live in shared-memory files in {@code dir}. The caller keeps
     * ownership of {@code dir}: {@link Hypervisor#close()} removes the files of the hypervisor's domains
     * but leaves the directory, which its creator closes after the hypervisor.
     */
    public static Hypervisor sharedMemory(ShmDirectory dir) {
        return sharedMemory(SystemClock.INSTANCE, dir);
    }

    /** As {@link #sharedMemory(ShmDirectory)}, on the given clock. */
    public static Hypervisor sharedMemory(XenClock clock, ShmDirectory dir) {
        return InProcessHypervisor.sharedMemory(clock, xenstored(), DEFAULT_DOM0_VCPUS, dir, false);
    }

    private static XenstoreBackend xenstored() {
        Xenstored xenstored = new Xenstored();
        return new XenstoreBackend() {
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
        };
    }
}
