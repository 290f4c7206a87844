package dev.lingon.xen.gnttab;

import static dev.lingon.xen.api.GntStatus.*;
import static dev.lingon.xen.layout.GrantEntryLayout.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.EndAccess;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.InProcessHypervisor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Grant tables v1: granting, ending, mapping, unmapping and copying, with Xen's GNTST answers. */
@ParameterizedClass
@EnumSource(Backend.class)
class GrantTableTest {
    final Backend backend;

    GrantTableTest(Backend backend) {
        this.backend = backend;
    }

    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    XenDomain c;

    @BeforeEach
    void boot() {
        hv = backend.start();
        a = hv.domain(hv.createDomain(DomainConfig.named("a")).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("b")).orThrow()).orElseThrow();
        c = hv.domain(hv.createDomain(DomainConfig.named("c")).orThrow()).orElseThrow();
    }

    @AfterEach
    void down() {
        hv.close();
    }

    Memory.Page page(XenDomain d) {
        return d.memory().allocPage().orThrow();
    }

    int flags(XenDomain d, int ref) {
        return ((InProcessHypervisor) hv).grantFlags(d.handle(), ref);
    }

    @Nested
    class Granting {
        @Test
        void refsStartAfterTheEightReservedOnes() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            assertEquals(NR_RESERVED_ENTRIES, ref);
        }

        @Test
        void theEntryIsPublishedWithDomidFrameAndFlags() {
            Memory.Page p = page(a);
            int ref = a.gnttab().grantAccess(b.domid(), p.frame(), true).orThrow();
            assertEquals(GTF_permit_access | GTF_readonly, flags(a, ref));
        }

        @Test
        void theTableGrowsAFrameAtATimeUpToItsMaximum() {
            XenDomain small = hv.domain(hv.createDomain(DomainConfig.named("small").withMaxGrantFrames(2)).orThrow()).orElseThrow();
            int frame = page(small).frame();
            assertEquals(1, small.gnttab().nrFrames());
            int n = 0;
            while (small.gnttab().grantAccess(b.domid(), frame, true).isOk()) {
                n++;
            }
            assertEquals(2 * ENTRIES_PER_FRAME - NR_RESERVED_ENTRIES, n);
            assertEquals(2, small.gnttab().nrFrames());
            assertEquals(Errno.ENOSPC, small.gnttab().grantAccess(b.domid(), frame, true).errno());
        }

        @Test
        void endingAccessFreesTheRefForReuse() {
            int frame = page(a).frame();
            int ref = a.gnttab().grantAccess(b.domid(), frame, false).orThrow();
            assertEquals(EndAccess.ENDED, a.gnttab().endAccess(ref));
            assertEquals(0, flags(a, ref));
            assertEquals(GNTST_general_error, b.gnttab().map(a.domid(), ref, false).status(), "an ended grant cannot be mapped");
        }

        @Test
        void theToolstackCanSeedAReservedRef() {
            Memory.Page p = page(a);
            assertEquals(GNTTAB_RESERVED_CONSOLE, a.gnttab().grantAccessAt(GNTTAB_RESERVED_CONSOLE, DomId.DOM0, p.frame(), false).orThrow());
            assertEquals(Errno.EBUSY, a.gnttab().grantAccessAt(GNTTAB_RESERVED_CONSOLE, DomId.DOM0, p.frame(), false).errno());
            assertEquals(Errno.EINVAL, a.gnttab().grantAccessAt(NR_RESERVED_ENTRIES, DomId.DOM0, p.frame(), false).errno());
            MapResult.Mapped m = hv.dom0().gnttab().map(a.domid(), GNTTAB_RESERVED_CONSOLE, false).orThrow();
            m.page().set(ValueLayout.JAVA_BYTE, 0, (byte) 'x');
            assertEquals('x', p.segment().get(ValueLayout.JAVA_BYTE, 0));
            hv.dom0().gnttab().unmap(m.handle());
            assertEquals(EndAccess.ENDED, a.gnttab().endAccess(GNTTAB_RESERVED_CONSOLE));
            assertNotEquals(GNTTAB_RESERVED_CONSOLE, a.gnttab().grantAccess(b.domid(), p.frame(), true).orThrow(),
                    "an ended reserved ref does not join the free list");
        }

        @Test
        void endingARefThatWasNeverGrantedIsMisuse() {
            assertThrows(IllegalArgumentException.class, () -> a.gnttab().endAccess(100));
        }
    }

    @Nested
    class Mapping {
        @Test
        void theGranteeMapsTheSamePage() {
            Memory.Page p = page(a);
            int ref = a.gnttab().grantAccess(b.domid(), p.frame(), false).orThrow();
            MapResult.Mapped m = b.gnttab().map(a.domid(), ref, false).orThrow();
            m.page().set(ValueLayout.JAVA_LONG, 8, 0xC0FFEEL);
            assertEquals(0xC0FFEEL, p.segment().get(ValueLayout.JAVA_LONG, 8));
            assertEquals(GTF_permit_access | GTF_reading | GTF_writing, flags(a, ref));
        }

        @Test
        void mappingHandlesStartAtZeroAndAFreedHandleGoesToTheTail() {
            int f = page(a).frame();
            int r1 = a.gnttab().grantAccess(b.domid(), f, true).orThrow();
            int h0 = b.gnttab().map(a.domid(), r1, true).orThrow().handle();
            int h1 = b.gnttab().map(a.domid(), r1, true).orThrow().handle();
            int h2 = b.gnttab().map(a.domid(), r1, true).orThrow().handle();
            assertEquals(0, h0);
            assertEquals(1, h1);
            assertEquals(2, h2);
            assertEquals(GNTST_okay, b.gnttab().unmap(h0));
            assertEquals(GNTST_okay, b.gnttab().unmap(h1));
            assertEquals(h0, b.gnttab().map(a.domid(), r1, true).orThrow().handle(), "the first freed handle comes back first");
            assertEquals(h1, b.gnttab().map(a.domid(), r1, true).orThrow().handle());
        }

        @Test
        void aReadOnlyMapIsReadOnlyAndSetsOnlyGtfReading() {
            Memory.Page p = page(a);
            int ref = a.gnttab().grantAccess(b.domid(), p.frame(), false).orThrow();
            MapResult.Mapped m = b.gnttab().map(a.domid(), ref, true).orThrow();
            assertTrue(m.page().isReadOnly());
            assertThrows(IllegalArgumentException.class, () -> m.page().set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
            assertEquals(GTF_permit_access | GTF_reading, flags(a, ref));
        }

        @Test
        void theWrongGranteeGetsGeneralError() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            assertEquals(GNTST_general_error, c.gnttab().map(a.domid(), ref, false).status());
        }

        @Test
        void anEntryNeverGrantedGetsGeneralError() {
            assertEquals(GNTST_general_error, b.gnttab().map(a.domid(), 200, false).status());
            assertEquals(GNTST_general_error, b.gnttab().map(a.domid(), 0, false).status(), "reserved refs are ungranted entries");
        }

        @Test
        void aWriteMapOfAReadOnlyGrantGetsGeneralError() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), true).orThrow();
            assertEquals(GNTST_general_error, b.gnttab().map(a.domid(), ref, false).status());
            assertEquals(GNTST_okay, b.gnttab().map(a.domid(), ref, true).status());
        }

        @Test
        void aRefPastTheTableIsBadGntrefOnly() {
            assertEquals(GNTST_bad_gntref, b.gnttab().map(a.domid(), ENTRIES_PER_FRAME, false).status());
            assertEquals(GNTST_bad_gntref, b.gnttab().map(a.domid(), -1, false).status());
        }

        @Test
        void aMissingDomainOrDomidSelfIsBadDomain() {
            assertEquals(GNTST_bad_domain, b.gnttab().map(999, 8, false).status());
            assertEquals(GNTST_bad_domain, b.gnttab().map(DomId.DOMID_SELF, 8, false).status());
        }

        @Test
        void unmappingAnUnknownHandleIsBadHandle() {
            assertEquals(GNTST_bad_handle, b.gnttab().unmap(0));
            assertEquals(GNTST_bad_handle, b.gnttab().unmap(-3));
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), true).orThrow();
            int h = b.gnttab().map(a.domid(), ref, true).orThrow().handle();
            assertEquals(GNTST_okay, b.gnttab().unmap(h));
            assertEquals(GNTST_bad_handle, b.gnttab().unmap(h), "twice");
        }

        @Test
        void theFlagsDropWhenTheLastMappingGoes() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            int hw = b.gnttab().map(a.domid(), ref, false).orThrow().handle();
            int hr = b.gnttab().map(a.domid(), ref, true).orThrow().handle();
            b.gnttab().unmap(hw);
            assertEquals(GTF_permit_access | GTF_reading, flags(a, ref), "writing drops with the last writable map");
            b.gnttab().unmap(hr);
            assertEquals(GTF_permit_access, flags(a, ref));
        }
    }

    @Nested
    class EndingWhileMapped {
        @Test
        void endAccessReportsStillMappedAndChangesNothing() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            int h = b.gnttab().map(a.domid(), ref, false).orThrow().handle();
            assertEquals(EndAccess.STILL_MAPPED, a.gnttab().endAccess(ref));
            assertEquals(GTF_permit_access | GTF_reading | GTF_writing, flags(a, ref));
            b.gnttab().unmap(h);
            assertEquals(EndAccess.ENDED, a.gnttab().endAccess(ref));
        }

        @Test
        void aDeferredEndCompletesOnceThePeerUnmaps() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            int h = b.gnttab().map(a.domid(), ref, false).orThrow().handle();
            assertFalse(a.gnttab().endAccessDeferred(ref));
            assertEquals(1, a.gnttab().deferredCount());
            assertEquals(1, a.gnttab().retryDeferred(), "still mapped");
            b.gnttab().unmap(h);
            assertEquals(0, a.gnttab().retryDeferred());
            assertEquals(0, flags(a, ref));
        }

        @Test
        void laterGrantOperationsRetryDeferredEnds() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            int h = b.gnttab().map(a.domid(), ref, false).orThrow().handle();
            a.gnttab().endAccessDeferred(ref);
            b.gnttab().unmap(h);
            a.gnttab().grantAccess(c.domid(), page(a).frame(), true).orThrow();
            assertEquals(0, a.gnttab().deferredCount());
        }

        @Test
        void destroyingTheMapperReleasesItsMappings() {
            int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), false).orThrow();
            b.gnttab().map(a.domid(), ref, false).orThrow();
            assertEquals(EndAccess.STILL_MAPPED, a.gnttab().endAccess(ref));
            hv.destroy(b.handle());
            assertEquals(GTF_permit_access, flags(a, ref), "the flags drop with the mapper");
            assertEquals(EndAccess.ENDED, a.gnttab().endAccess(ref));
        }

        @Test
        void destroyingTheGranterLeavesExistingMappingsUsableAndRefusesNewOnes() {
            Memory.Page p = page(a);
            int ref = a.gnttab().grantAccess(b.domid(), p.frame(), false).orThrow();
            MapResult.Mapped m = b.gnttab().map(a.domid(), ref, false).orThrow();
            hv.destroy(a.handle());
            m.page().set(ValueLayout.JAVA_INT, 0, 42);
            assertEquals(42, m.page().get(ValueLayout.JAVA_INT, 0));
            assertEquals(GNTST_bad_domain, b.gnttab().map(a.domid(), ref, false).status());
            assertEquals(GNTST_okay, b.gnttab().unmap(m.handle()));
        }
    }

    @Nested
    class Copy {
        Memory.Page src;
        Memory.Page dst;
        int srcRef;
        int roRef;

        @BeforeEach
        void pages() {
            src = page(a);
            dst = page(b);
            for (int i = 0; i < 4096; i++) {
                src.segment().set(ValueLayout.JAVA_BYTE, i, (byte) i);
            }
            srcRef = a.gnttab().grantAccess(b.domid(), src.frame(), true).orThrow();
            roRef = a.gnttab().grantAccess(b.domid(), page(a).frame(), true).orThrow();
        }

        @Test
        void copiesFromAForeignGrantIntoAnOwnFrame() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(a.domid(), srcRef, 100), GntCopy.Ptr.ownFrame(dst.frame(), 10), 50);
            assertEquals(GNTST_okay, b.gnttab().copy(op));
            for (int i = 0; i < 50; i++) {
                assertEquals((byte) (100 + i), dst.segment().get(ValueLayout.JAVA_BYTE, 10 + i));
            }
            assertEquals(GTF_permit_access | GTF_readonly, flags(a, srcRef), "the copy's temporary pin is gone");
        }

        @Test
        void lengthZeroIsOkayWithoutAnyChecks() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(999, 77777, 0), GntCopy.Ptr.ref(998, 1, 4000), 0);
            assertEquals(GNTST_okay, b.gnttab().copy(op));
        }

        @Test
        void aForeignDomainNamedByFrameIsPermissionDenied() {
            GntCopy op = new GntCopy(new GntCopy.Ptr(false, src.frame(), a.domid(), 0), GntCopy.Ptr.ownFrame(dst.frame(), 0), 8);
            assertEquals(GNTST_permission_denied, b.gnttab().copy(op));
        }

        @Test
        void aMissingDomainIsBadDomain() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(999, srcRef, 0), GntCopy.Ptr.ownFrame(dst.frame(), 0), 8);
            assertEquals(GNTST_bad_domain, b.gnttab().copy(op));
        }

        @Test
        void domainsAreCheckedBeforeRefs() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(a.domid(), 99999, 0), GntCopy.Ptr.ref(999, 8, 0), 8);
            assertEquals(GNTST_bad_domain, b.gnttab().copy(op));
        }

        @Test
        void aBadRefWinsOverAPageCrossingLength() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(a.domid(), 99999, 4000), GntCopy.Ptr.ownFrame(dst.frame(), 0), 200);
            assertEquals(GNTST_bad_gntref, b.gnttab().copy(op));
        }

        @Test
        void aPageCrossingCopyIsBadCopyArg() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(a.domid(), srcRef, 4000), GntCopy.Ptr.ownFrame(dst.frame(), 0), 200);
            assertEquals(GNTST_bad_copy_arg, b.gnttab().copy(op));
            GntCopy op2 = new GntCopy(GntCopy.Ptr.ref(a.domid(), srcRef, 0), GntCopy.Ptr.ownFrame(dst.frame(), 4090), 7);
            assertEquals(GNTST_bad_copy_arg, b.gnttab().copy(op2));
            assertEquals(GTF_permit_access | GTF_readonly, flags(a, srcRef), "a refused copy leaves no pin");
        }

        @Test
        void copyingIntoAReadOnlyGrantIsGeneralError() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ownFrame(dst.frame(), 0), GntCopy.Ptr.ref(a.domid(), roRef, 0), 8);
            assertEquals(GNTST_general_error, b.gnttab().copy(op));
        }

        @Test
        void anOwnFrameThatDoesNotExistIsBadPage() {
            GntCopy op = new GntCopy(GntCopy.Ptr.ref(a.domid(), srcRef, 0), GntCopy.Ptr.ownFrame(424242, 0), 8);
            assertEquals(GNTST_bad_page, b.gnttab().copy(op));
        }

        @Test
        void copyIntoAForeignGrantWritesTheGrantersPage() {
            Memory.Page target = page(a);
            int rw = a.gnttab().grantAccess(b.domid(), target.frame(), false).orThrow();
            dst.segment().set(ValueLayout.JAVA_LONG, 0, 0x1122334455667788L);
            GntCopy op = new GntCopy(GntCopy.Ptr.ownFrame(dst.frame(), 0), GntCopy.Ptr.ref(a.domid(), rw, 64), 8);
            assertEquals(GNTST_okay, b.gnttab().copy(op));
            assertEquals(0x1122334455667788L, target.segment().get(ValueLayout.JAVA_LONG, 64));
        }
    }

    @Test
    void revokingAMappedGrantRefusesNewMapsButKeepsTheOldOne() {
        Memory.Page p = page(a);
        int ref = a.gnttab().grantAccess(b.domid(), p.frame(), false).orThrow();
        MapResult.Mapped m = b.gnttab().map(a.domid(), ref, false).orThrow();
        assertEquals(Errno.OK, hv.revokeGrant(a.handle(), ref));
        assertEquals(GNTST_general_error, b.gnttab().map(a.domid(), ref, false).status());
        m.page().set(ValueLayout.JAVA_BYTE, 0, (byte) 7);
        assertEquals(7, p.segment().get(ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void theMappingsOfAMapperAreCounted() {
        int ref = a.gnttab().grantAccess(b.domid(), page(a).frame(), true).orThrow();
        MemorySegment unused = b.gnttab().map(a.domid(), ref, true).orThrow().page();
        assertNotNull(unused);
        assertEquals(1, b.gnttab().activeMappings());
        assertEquals(1, ((InProcessHypervisor) hv).grantPins(a.handle(), ref));
    }
}
