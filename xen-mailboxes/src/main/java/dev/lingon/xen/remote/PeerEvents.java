package dev.lingon.xen.remote;

import dev.lingon.xen.internal.DoorbellWakeups;
import dev.lingon.xen.internal.EventDelivery;
import dev.lingon.xen.internal.PortStateMirror;
import dev.lingon.xen.internal.SharedInfoPage;
import dev.lingon.xen.internal.VcpuPage;
import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;

/**
 * The event pages of a peer domain's file, mapped in this domain's process for the direct send path:
 * its shared-info page, vCPU page and port-state mirror ({@link DomainFileLayout} pages 0 to
 * {@code GRANT_FRAMES_PAGE - 1}), never its grant frames or memory. dom0 authorised the mapping for an
 * interdomain port of this domain ({@code LINGON_map_peer_events}). Raising here is exactly what dom0's
 * hypervisor does for a send ({@link EventDelivery#raise}). Thread-safe; closing unmaps.
 */
final class PeerEvents implements AutoCloseable {
    /** Bytes mapped: the peer's pages before its grant frames. */
    static final long LENGTH = (long) DomainFileLayout.GRANT_FRAMES_PAGE * DomainFileLayout.PAGE_SIZE;

    private final int domid;
    private final long generation;
    private final PageMapper.Mapping mapping;
    private final PortStateMirror ports;
    private final EventDelivery events;

    PeerEvents(Reply.PeerFile peer, PageMapper.Mapping mapping) {
        this.domid = peer.domid();
        this.generation = peer.generation();
        this.mapping = mapping;
        MemorySegment m = mapping.segment();
        int ps = DomainFileLayout.PAGE_SIZE;
        SharedInfoPage si = new SharedInfoPage(m.asSlice((long) DomainFileLayout.SHARED_INFO_PAGE * ps, ps));
        VcpuPage vp = new VcpuPage(m.asSlice((long) DomainFileLayout.VCPU_PAGE * ps, ps));
        this.ports = new PortStateMirror(m.asSlice((long) DomainFileLayout.PORT_STATE_PAGE * ps, (long) DomainFileLayout.PORT_MIRROR_PAGES * ps));
        this.events = new EventDelivery(si, vp, new DoorbellWakeups(vp, peer.vcpus()), peer.vcpus());
    }

    int domid() {
        return domid;
    }

    long generation() {
        return generation;
    }

    /**
     * Raises the peer's {@code peerPort} if the peer's mirror says it is still the other end of
     * {@code (selfDomid, selfPort)}; false if not (the peer closed or rebound it, or died: the caller
     * falls back to dom0, which knows).
     */
    boolean raiseIfPeerOf(int peerPort, int selfDomid, int selfPort) {
        int word = ports.read(peerPort);
        if (DomainFileLayout.stateOf(word) != dev.lingon.xen.api.EvtchnState.INTERDOMAIN.value()
                || DomainFileLayout.remoteDomidOf(word) != selfDomid || DomainFileLayout.remotePortOf(word) != selfPort) {
            return false;
        }
        events.raise(peerPort, ports.notifyVcpu(peerPort));
        return true;
    }

    @Override
    public void close() {
        mapping.close();
    }
}
