package dev.lingon.xen.layout;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Pins the domain file's bytes, which processes built apart must agree on: the vCPU page's slots, header,
 * poll mask and run state do not overlap, and the port mirror, grant frames and frames follow each other.
 */
class DomainFileLayoutTest {
    static final int MAX_VCPUS = 32; // XEN_LEGACY_MAX_VCPUS

    @Test
    void theVcpuPageKeepsEachVcpuOnItsOwnCacheLineAndTheSharedWordsAfterThem() {
        assertEquals(4096, DomainFileLayout.doorbellOffset(0), "page 1");
        assertEquals(4096 + 64 + 8, DomainFileLayout.kickedOffset(1));
        assertEquals(4096 + 64 + 12, DomainFileLayout.pollEvtchnOffset(1));
        assertTrue(DomainFileLayout.vcpuSlotInPage(MAX_VCPUS) <= DomainFileLayout.HEADER_OFFSET, "32 slots end where the header starts");
        assertTrue(DomainFileLayout.MAX_PAGES_OFFSET + 4 <= DomainFileLayout.POLL_MASK_OFFSET);
        assertTrue(DomainFileLayout.POLL_MASK_OFFSET % 64 == 0 && DomainFileLayout.RUN_STATE_OFFSET % 64 == 0, "each on a line of its own");
        assertTrue(DomainFileLayout.RUN_STATE_OFFSET + 4 <= DomainFileLayout.PAGE_SIZE);
    }

    @Test
    void portStatesAreU32sFromPageTwoWithTheNotifyVcpusOnThePageAfter() {
        assertEquals(2 * 4096, DomainFileLayout.portStateOffset(0));
        assertEquals(2 * 4096 + 4 * 4095, DomainFileLayout.portStateOffset(4095), "4096 u32 words fill pages 2..5");
        assertEquals(6 * 4096 + 4095, DomainFileLayout.notifyVcpuOffset(4095));
        assertEquals(DomainFileLayout.notifyVcpuOffset(7) - DomainFileLayout.portStateOffset(0), DomainFileLayout.notifyVcpuInMirror(7));
        assertEquals(7 * 4096, DomainFileLayout.grantFrameOffset(0));
    }

    @Test
    void aPortStateWordPacksStateRemotePortAndRemoteDomid() {
        int w = DomainFileLayout.portState(2, 0x7FEF, 4095);
        assertEquals(2, DomainFileLayout.stateOf(w));
        assertEquals(4095, DomainFileLayout.remotePortOf(w));
        assertEquals(0x7FEF, DomainFileLayout.remoteDomidOf(w));
        assertEquals(0x7FEF_FFF2, w, "bits 0..3 state, 4..15 port, 16..31 domid");
    }

    @Test
    void framesFollowTheGrantFramesAndTheFileEndsAfterTheLastFrame() {
        assertEquals((7L + 4 + 1) * 4096, DomainFileLayout.frameOffset(4, 1), "frame 1 after 4 grant frames and frame 0's slot");
        assertEquals(DomainFileLayout.frameOffset(4, 65), DomainFileLayout.fileSize(4, 64));
        assertEquals("dom3-g7.mem", DomainFileLayout.fileName(3, 7));
    }
}
