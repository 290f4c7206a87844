package dev.lingon.xen.layout;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.XenDomain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Pins the bytes: an event raised through the hypercall API must land exactly where Xen's
 * {@code struct shared_info} puts it, so another backend (or a C peer) mapping the page agrees.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SharedInfoLayoutTest {
    final Hypervisor hv;

    SharedInfoLayoutTest(Backend backend) {
        hv = backend.start();
    }

    @AfterEach
    void down() {
        hv.close();
    }

    @Test
    void offsetsMatchXensX86_64SharedInfo() {
        assertEquals(2048, SharedInfoLayout.EVTCHN_PENDING_OFFSET, "after 32 vcpu_info of 64 bytes");
        assertEquals(2048 + 512, SharedInfoLayout.EVTCHN_MASK_OFFSET);
        assertEquals(3072, SharedInfoLayout.WC_VERSION_OFFSET);
        assertEquals(8, SharedInfoLayout.VCPU_PENDING_SEL_OFFSET);
        assertEquals(4096, SharedInfoLayout.NR_CHANNELS);
    }

    @Test
    void aRaiseSetsThePendingBitTheSelectorAndUpcallPendingAtXensOffsets() {
        XenDomain a = hv.domain(hv.createDomain(DomainConfig.named("a").withVcpus(2)).orThrow()).orElseThrow();
        // Fill ports so that the next one is 70: word 1, bit 6.
        int port = 0;
        while (port < 70) {
            port = a.evtchn().bindIpi(1).orThrow();
        }
        assertEquals(70, port);
        a.evtchn().send(70);
        MemorySegment si = a.sharedInfo();
        long word1 = si.get(ValueLayout.JAVA_LONG, 0x800 + 8);
        assertEquals(1L << 6, word1 & (1L << 6), "evtchn_pending[1] bit 6");
        long vcpu1 = 64;
        assertEquals(1, si.get(ValueLayout.JAVA_BYTE, vcpu1) & 1, "vcpu_info[1].evtchn_upcall_pending");
        assertEquals(1L << 1, si.get(ValueLayout.JAVA_LONG, vcpu1 + 8), "vcpu_info[1].evtchn_pending_sel bit 1");
        assertEquals(0, si.get(ValueLayout.JAVA_BYTE, 0) & 1, "vCPU 0 was not flagged");
        a.evtchn().mask(70);
        assertEquals(1L << 6, si.get(ValueLayout.JAVA_LONG, 0xA00 + 8) & (1L << 6), "evtchn_mask[1] bit 6");
    }

    @Test
    void grantEntryHelpersCombineFlagsAndDomidAsXensScombo() {
        int combo = GrantEntryLayout.combo(GrantEntryLayout.GTF_permit_access | GrantEntryLayout.GTF_readonly, 7);
        assertEquals(0x0007_0005, combo);
        assertEquals(7, GrantEntryLayout.domidOf(combo));
        assertEquals(5, GrantEntryLayout.flagsOf(combo));
        assertEquals(512, GrantEntryLayout.ENTRIES_PER_FRAME);
    }

    @Test
    void vchanOffsetsMatchStructVchanInterface() {
        assertEquals(24, VchanLayout.GRANTS_OFFSET);
        assertEquals(0, VchanLayout.shiftInFlagsWord(VchanLayout.CLI_LIVE_OFFSET));
        assertEquals(24, VchanLayout.shiftInFlagsWord(VchanLayout.SRV_NOTIFY_OFFSET));
        assertEquals(1018, VchanLayout.MAX_GRANTS);
    }
}
