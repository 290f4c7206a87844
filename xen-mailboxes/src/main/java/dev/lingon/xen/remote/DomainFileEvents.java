package dev.lingon.xen.remote;

import dev.lingon.xen.internal.SharedInfoPage;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.layout.PollMaskLayout;
import dev.lingon.xen.layout.SharedInfoLayout;
import dev.lingon.xen.shm.Doorbell;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The raise path across processes, on a domain's shared-memory file ({@link DomainFileLayout}): what
 * whoever makes a port of that domain pending does — dom0's hypervisor today, a peer domain sending on
 * an interdomain port directly tomorrow — so that a vCPU of that domain blocked in
 * {@code SCHEDOP_block} or {@code SCHEDOP_poll} in its own process wakes. Xen's
 * {@code evtchn_2l_set_pending} followed by {@code vcpu_kick} and {@code evtchn_check_pollers}.
 * Stateless over the mapping; any thread of any process that maps the file.
 */
public final class DomainFileEvents {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private DomainFileEvents() {
    }

    /**
     * Sets {@code port} pending in the file's shared-info page for {@code vcpu} (the port's notify vCPU)
     * and wakes who must see it: vCPU {@code vcpu} when {@code upcall_pending} went from 0 to 1, and
     * every polling vCPU when the port was not already pending.
     */
    public static SharedInfoPage.Raise raise(MemorySegment file, int port, int vcpu) {
        SharedInfoPage.Raise r = sharedInfo(file).raise(port, vcpu);
        if (r == SharedInfoPage.Raise.KICK) {
            kick(file, vcpu);
        }
        if (r != SharedInfoPage.Raise.MERGED) {
            checkPollers(file);
        }
        return r;
    }

    /**
     * {@code EVTCHNOP_unmask} on the file: clears the mask bit and, if the port is still pending,
     * re-raises it for {@code vcpu} and kicks that vCPU. True if it kicked.
     */
    public static boolean unmask(MemorySegment file, int port, int vcpu) {
        if (sharedInfo(file).unmask(port, vcpu)) {
            kick(file, vcpu);
            return true;
        }
        return false;
    }

    /** {@code vcpu_kick}: rings vCPU {@code vcpu}'s doorbell (two loads when nobody waits on it). */
    public static void kick(MemorySegment file, int vcpu) {
        doorbell(file, vcpu).ring();
    }

    /** {@code evtchn_check_pollers}: rings the doorbell of every vCPU in {@code poll_mask}. */
    public static void checkPollers(MemorySegment file) {
        long mask = (long) LONG.getVolatile(file, PollMaskLayout.POLL_MASK_OFFSET);
        while (mask != 0) {
            int v = Long.numberOfTrailingZeros(mask);
            mask &= mask - 1;
            kick(file, v);
        }
    }

    /** Rings every vCPU's doorbell: the domain's state changed (shutdown, pause) and every waiter must look. */
    public static void kickAll(MemorySegment file, int vcpus) {
        for (int v = 0; v < vcpus; v++) {
            kick(file, v);
        }
    }

    /** The shared-info page of the file. */
    public static SharedInfoPage sharedInfo(MemorySegment file) {
        return new SharedInfoPage(file.asSlice((long) DomainFileLayout.SHARED_INFO_PAGE * DomainFileLayout.PAGE_SIZE,
                SharedInfoLayout.PAGE_SIZE));
    }

    /** vCPU {@code vcpu}'s doorbell in the file. */
    public static Doorbell doorbell(MemorySegment file, int vcpu) {
        if (vcpu < 0 || vcpu >= SharedInfoLayout.XEN_LEGACY_MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU " + vcpu + " is outside 0.." + (SharedInfoLayout.XEN_LEGACY_MAX_VCPUS - 1));
        }
        return new Doorbell(file, DomainFileLayout.doorbellOffset(vcpu));
    }
}
