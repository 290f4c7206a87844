package dev.lingon.xen.internal;

import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The port-state mirror ({@link DomainFileLayout}): per event-channel port a u32 saying what the
 * hypervisor's table says (state, remote domid and port) and a byte with the port's notify vCPU, so a
 * process that maps the domain's file can check a port and find its peer without asking dom0. Only the
 * hypervisor writes, under its event lock, after the table changed; readers use acquire loads.
 * Stateless over the segment; safe for any thread in any process.
 */
public final class PortStateMirror {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private final MemorySegment pages;

    /** @param pages the {@link DomainFileLayout#PORT_MIRROR_PAGES} pages from {@link DomainFileLayout#PORT_STATE_PAGE} on */
    public PortStateMirror(MemorySegment pages) {
        if (pages.byteSize() < (long) DomainFileLayout.PORT_MIRROR_PAGES * DomainFileLayout.PAGE_SIZE) {
            throw new IllegalArgumentException("the port-state mirror is " + DomainFileLayout.PORT_MIRROR_PAGES + " pages; got " + pages);
        }
        this.pages = pages;
    }

    /**
     * The notify vCPU first, then the word, both release: a reader that sees the new word (acquire)
     * sees a notify vCPU at least as new.
     */
    void publish(int port, int word, int notifyVcpu) {
        BYTE.setRelease(pages, DomainFileLayout.notifyVcpuInMirror(port), (byte) notifyVcpu);
        INT.setRelease(pages, DomainFileLayout.portStateInMirror(port), word);
    }

    /** Port {@code port}'s word; decode it with {@link DomainFileLayout#stateOf} and friends. */
    public int read(int port) {
        return (int) INT.getAcquire(pages, DomainFileLayout.portStateInMirror(port));
    }

    /** Port {@code port}'s notify vCPU ({@code notify_vcpu_id}); read it after {@link #read}. */
    public int notifyVcpu(int port) {
        return Byte.toUnsignedInt((byte) BYTE.getAcquire(pages, DomainFileLayout.notifyVcpuInMirror(port)));
    }
}
