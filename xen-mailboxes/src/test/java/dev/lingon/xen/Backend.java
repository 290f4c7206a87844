package dev.lingon.xen;

import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;

/**
 * The hypervisor backends the Xen ABI tests run against, one invocation each
 * ({@code @ParameterizedClass @EnumSource(Backend.class)} with the backend as the constructor's
 * argument): the same semantics, with pages in arenas and parked vCPUs, or pages in each domain's
 * memory-mapped file and vCPUs asleep on futex doorbells.
 */
public enum Backend {
    IN_PROCESS {
        @Override
        public Hypervisor start() {
            return Hypervisors.inProcess();
        }
    },
    SHARED_MEMORY {
        @Override
        public Hypervisor start() {
            return Hypervisors.sharedMemory();
        }
    };

    /** A new hypervisor of this backend; the test closes it. */
    public abstract Hypervisor start();
}
