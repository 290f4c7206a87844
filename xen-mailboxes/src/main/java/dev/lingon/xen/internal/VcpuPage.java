package dev.lingon.xen.internal;

import static dev.lingon.xen.layout.DomainFileLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Atomic operations on a domain's vCPU page ({@link dev.lingon.xen.layout.DomainFileLayout}): the
 * per-vCPU kicked and poll_evtchn words, the poll mask, the run state and the file header. What Xen
 * keeps in {@code struct vcpu} and {@code struct domain}, here in a page, so a process that maps the
 * domain's file can wake a vCPU correctly (kick it, find its pollers) and see it paused or shut down.
 * Stateless over the segment; safe for any thread in any process.
 */
public final class VcpuPage {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment page;

    public VcpuPage(MemorySegment page) {
        if (page.byteSize() < PAGE_SIZE || page.address() % VCPU_SLOT_SIZE != 0) {
            throw new IllegalArgumentException("a vCPU page is " + PAGE_SIZE + " bytes, aligned to " + VCPU_SLOT_SIZE + "; got " + page);
        }
        this.page = page;
    }

    public MemorySegment segment() {
        return page;
    }

    private static long kicked(int vcpu) {
        return vcpuSlotInPage(vcpu) + KICKED_IN_SLOT;
    }

    private static long pollEvtchnAt(int vcpu) {
        return vcpuSlotInPage(vcpu) + POLL_EVTCHN_IN_SLOT;
    }

    /** The first half of {@code vcpu_kick}: an atomic swap, so it is ordered before the ring that follows. */
    public void kick(int vcpu) {
        INT.getAndSet(page, kicked(vcpu), 1);
    }

    /** Consumes a kick: true if the vCPU was kicked since the last take or clear. */
    public boolean takeKick(int vcpu) {
        return (int) INT.getAndSet(page, kicked(vcpu), 0) != 0;
    }

    /** Whether a kick is waiting, without consuming it (a sleeper's re-check). */
    public boolean isKicked(int vcpu) {
        return (int) INT.getVolatile(page, kicked(vcpu)) != 0;
    }

    /** A block begins: kicks that reached a running vCPU leave nothing behind, as in Xen. */
    public void clearKick(int vcpu) {
        INT.setVolatile(page, kicked(vcpu), 0);
    }

    /**
     * SCHEDOP_poll begins: record the port ({@code -1} for several) and then set the vCPU's poll_mask
     * bit with an atomic, so a raiser that sees the bit sees the port too.
     */
    public void startPolling(int vcpu, int evtchn) {
        INT.setVolatile(page, pollEvtchnAt(vcpu), evtchn);
        LONG.getAndBitwiseOr(page, (long) POLL_MASK_OFFSET, 1L << vcpu);
    }

    public void stopPolling(int vcpu) {
        LONG.getAndBitwiseAnd(page, (long) POLL_MASK_OFFSET, ~(1L << vcpu));
    }

    /** {@code d->poll_mask}: bit v set while vCPU v polls. */
    public long pollMask() {
        return (long) LONG.getVolatile(page, (long) POLL_MASK_OFFSET);
    }

    /** {@code v->poll_evtchn}: the polled port, or -1 while it polls several. */
    public int pollEvtchn(int vcpu) {
        return (int) INT.getVolatile(page, pollEvtchnAt(vcpu));
    }

    /**
     * dom0 publishes the domain's run state ({@link dev.lingon.xen.layout.DomainFileLayout#runState});
     * a volatile store, so it is ordered before the doorbell rings that announce it.
     */
    public void publishRunState(int word) {
        INT.setVolatile(page, (long) RUN_STATE_OFFSET, word);
    }

    public int runState() {
        return (int) INT.getVolatile(page, (long) RUN_STATE_OFFSET);
    }

    /** Writes the file header; the magic goes last (release), so a reader that sees it sees the rest. */
    void writeHeader(int domid, long generation, int vcpus, int maxGrantFrames, int maxPages) {
        page.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
        page.set(ValueLayout.JAVA_INT, DOMID_OFFSET, domid);
        page.set(ValueLayout.JAVA_INT, VCPUS_OFFSET, vcpus);
        page.set(ValueLayout.JAVA_LONG, GENERATION_OFFSET, generation);
        page.set(ValueLayout.JAVA_INT, MAX_GRANT_FRAMES_OFFSET, maxGrantFrames);
        page.set(ValueLayout.JAVA_INT, MAX_PAGES_OFFSET, maxPages);
        INT.setRelease(page, (long) MAGIC_OFFSET, MAGIC);
    }

    int magic() {
        return (int) INT.getAcquire(page, (long) MAGIC_OFFSET);
    }

    int version() {
        return page.get(ValueLayout.JAVA_INT, VERSION_OFFSET);
    }

    int domid() {
        return page.get(ValueLayout.JAVA_INT, DOMID_OFFSET);
    }

    int vcpus() {
        return page.get(ValueLayout.JAVA_INT, VCPUS_OFFSET);
    }

    long generation() {
        return page.get(ValueLayout.JAVA_LONG, GENERATION_OFFSET);
    }

    int maxGrantFrames() {
        return page.get(ValueLayout.JAVA_INT, MAX_GRANT_FRAMES_OFFSET);
    }

    int maxPages() {
        return page.get(ValueLayout.JAVA_INT, MAX_PAGES_OFFSET);
    }
}
