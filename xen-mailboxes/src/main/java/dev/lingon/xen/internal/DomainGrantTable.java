package dev.lingon.xen.internal;

import static dev.lingon.xen.layout.GrantEntryLayout.*;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.EndAccess;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.FaultInterceptor;
import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.GrantTable;
import dev.lingon.xen.api.Hypercall;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Result;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * One domain's grant table (v1) in the in-process backend, with three parts that Xen keeps apart:
 * <ul>
 *   <li>the shared entries ({@link dev.lingon.xen.layout.GrantEntryLayout}) in grant frames, which the
 *   guest writes to grant and the hypervisor updates (GTF_reading/GTF_writing) while mapped;</li>
 *   <li>the guest's allocator of refs ({@code gnttab_grant_foreign_access} in Linux), with its list of
 *   deferred ends — guarded by {@code guestLock};</li>
 *   <li>the hypervisor's active entries (pin counts of this domain's grants mapped by others) —
 *   guarded by {@code this} — and this domain's maptrack (mappings it holds of others' grants) —
 *   guarded by {@code maptrack}.</li>
 * </ul>
 * Lock order: a table's monitor may be taken while holding nothing else; the maptrack lock is never
 * held while taking a table's monitor, so two domains mapping each other cannot deadlock.
 */
final class DomainGrantTable implements GrantTable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private final InProcessDomain self;
    private final InProcessHypervisor hv;
    private final int maxFrames;

    /** Grant frames; appended (never removed) by the guest allocator under guestLock, read by the hypervisor. */
    private volatile MemorySegment[] frames = new MemorySegment[0];

    private final Object guestLock = new Object();
    private final ArrayDeque<Integer> freeRefs = new ArrayDeque<>();
    private final BitSet granted = new BitSet();
    private final List<Integer> deferred = new ArrayList<>();

    /** Active entries: pins of each ref by mappers (and in-flight copies). Guarded by this. */
    private int[] pins = new int[0];
    private int[] writePins = new int[0];
    /** False once the domain is destroyed: its grants can no longer be mapped. */
    private boolean alive = true;

    private final Object maptrack = new Object();
    private final ArrayList<Maptrack> handles = new ArrayList<>();
    /** Freed handles; reused from the head, a freed one goes to the tail (as Xen's maptrack free list). */
    private final ArrayDeque<Integer> freeHandles = new ArrayDeque<>();
    private int activeMappings;

    /** A mapping this domain holds: whose grant, and the frame it pinned (its page reference). */
    private record Maptrack(DomainGrantTable granter, int ref, boolean readonly, int frame) {
    }

    DomainGrantTable(InProcessDomain self, InProcessHypervisor hv, int maxFrames) {
        this.self = self;
        this.hv = hv;
        this.maxFrames = maxFrames;
        synchronized (guestLock) {
            growLocked().orThrow();
        }
    }

    // ---------------------------------------------------------------- guest side

    /** Adds one grant frame; caller holds guestLock. ENOSPC at the maximum, ENOMEM when no memory backs it. */
    private Result<Void> growLocked() {
        MemorySegment[] old = frames;
        if (old.length >= maxFrames) {
            return Result.err(Errno.ENOSPC, "grant table of dom" + self.domid() + " is full (" + maxFrames + " frames)");
        }
        Result<MemorySegment> backed = self.pages().grantFrame(old.length);
        if (backed instanceof Result.Err<MemorySegment> err) {
            return Result.err(err.errno(), err.detail());
        }
        MemorySegment frame = backed.orThrow();
        MemorySegment[] next = java.util.Arrays.copyOf(old, old.length + 1);
        next[old.length] = frame;
        synchronized (this) {
            pins = java.util.Arrays.copyOf(pins, next.length * ENTRIES_PER_FRAME);
            writePins = java.util.Arrays.copyOf(writePins, next.length * ENTRIES_PER_FRAME);
        }
        frames = next;
        int first = Math.max(NR_RESERVED_ENTRIES, old.length * ENTRIES_PER_FRAME);
        for (int ref = first; ref < next.length * ENTRIES_PER_FRAME; ref++) {
            freeRefs.addLast(ref);
        }
        return Result.ok();
    }

    private MemorySegment frameOf(MemorySegment[] fs, int ref) {
        return fs[ref / ENTRIES_PER_FRAME];
    }

    private static long offsetIn(int ref) {
        return entryOffset(ref % ENTRIES_PER_FRAME);
    }

    @Override
    public Result<Integer> grantAccess(int domid, int frame, boolean readonly) {
        if (!DomId.isReal(domid)) {
            return Result.err(Errno.EINVAL, "grant to domid " + domid + ", which is not a real domain id");
        }
        synchronized (guestLock) {
            retryDeferredLocked();
            if (freeRefs.isEmpty() && growLocked() instanceof Result.Err<Void> err) {
                return Result.err(err.errno(), err.detail());
            }
            int ref = freeRefs.pollFirst();
            MemorySegment f = frameOf(frames, ref);
            long off = offsetIn(ref);
            // domid and frame first; the release fence orders them before the flags that make the entry valid.
            f.set(ValueLayout.JAVA_SHORT, off + DOMID_OFFSET, (short) domid);
            f.set(ValueLayout.JAVA_INT, off + FRAME_OFFSET, frame);
            VarHandle.releaseFence();
            SHORT.setVolatile(f, off + FLAGS_OFFSET, (short) (GTF_permit_access | (readonly ? GTF_readonly : 0)));
            granted.set(ref);
            return Result.ok(ref);
        }
    }

    @Override
    public Result<Integer> grantAccessAt(int ref, int domid, int frame, boolean readonly) {
        if (ref < 0 || ref >= NR_RESERVED_ENTRIES) {
            return Result.err(Errno.EINVAL, "grantAccessAt is for the reserved refs 0.." + (NR_RESERVED_ENTRIES - 1) + ", not " + ref);
        }
        if (!DomId.isReal(domid)) {
            return Result.err(Errno.EINVAL, "grant to domid " + domid + ", which is not a real domain id");
        }
        synchronized (guestLock) {
            if (granted.get(ref)) {
                return Result.err(Errno.EBUSY, "reserved ref " + ref + " of dom" + self.domid() + " is in use");
            }
            MemorySegment f = frameOf(frames, ref);
            long off = offsetIn(ref);
            f.set(ValueLayout.JAVA_SHORT, off + DOMID_OFFSET, (short) domid);
            f.set(ValueLayout.JAVA_INT, off + FRAME_OFFSET, frame);
            VarHandle.releaseFence();
            SHORT.setVolatile(f, off + FLAGS_OFFSET, (short) (GTF_permit_access | (readonly ? GTF_readonly : 0)));
            granted.set(ref);
            return Result.ok(ref);
        }
    }

    @Override
    public EndAccess endAccess(int ref) {
        synchronized (guestLock) {
            checkGranted(ref);
            return endLocked(ref) ? EndAccess.ENDED : EndAccess.STILL_MAPPED;
        }
    }

    private void checkGranted(int ref) {
        if (ref < 0 || !granted.get(ref)) {
            throw new IllegalArgumentException("dom" + self.domid() + " has not granted ref " + ref);
        }
    }

    /** {@code gnttab_end_foreign_access_ref_v1}: CAS the flags to 0 unless reading/writing is set. */
    private boolean endLocked(int ref) {
        MemorySegment f = frameOf(frames, ref);
        long off = offsetIn(ref) + COMBO_OFFSET;
        while (true) {
            int combo = (int) INT.getVolatile(f, off);
            if ((flagsOf(combo) & (GTF_reading | GTF_writing)) != 0) {
                return false;
            }
            if (INT.compareAndSet(f, off, combo, combo & 0xFFFF0000)) {
                granted.clear(ref);
                if (ref >= NR_RESERVED_ENTRIES) {
                    freeRefs.addLast(ref);
                }
                return true;
            }
        }
    }

    @Override
    public boolean endAccessDeferred(int ref) {
        synchronized (guestLock) {
            checkGranted(ref);
            if (deferred.contains(ref)) {
                return false;
            }
            if (endLocked(ref)) {
                return true;
            }
            deferred.add(ref);
            return false;
        }
    }

    @Override
    public int retryDeferred() {
        synchronized (guestLock) {
            retryDeferredLocked();
            return deferred.size();
        }
    }

    private void retryDeferredLocked() {
        for (Iterator<Integer> it = deferred.iterator(); it.hasNext(); ) {
            if (endLocked(it.next())) {
                it.remove();
            }
        }
    }

    @Override
    public int deferredCount() {
        synchronized (guestLock) {
            return deferred.size();
        }
    }

    @Override
    public int nrFrames() {
        return frames.length;
    }

    @Override
    public int maxFrames() {
        return maxFrames;
    }

    // ---------------------------------------------------------------- hypervisor side: pins

    /**
     * {@code _set_status_v1}: checks the entry grants {@code mapper} (read-only compatible) and sets
     * GTF_reading (and GTF_writing for a writable pin) with a CAS on flags+domid, then counts the pin.
     * Returns the granted frame, or a negative GNTST code.
     */
    private synchronized long pin(int ref, int mapper, boolean readonly, boolean subPageAllowed) {
        if (!alive) {
            return GntStatus.GNTST_bad_domain.code();
        }
        MemorySegment[] fs = frames;
        if (ref < 0 || ref >= fs.length * ENTRIES_PER_FRAME) {
            return GntStatus.GNTST_bad_gntref.code();
        }
        MemorySegment f = frameOf(fs, ref);
        long off = offsetIn(ref);
        int mask = GTF_type_mask | (subPageAllowed ? 0 : GTF_sub_page);
        while (true) {
            int combo = (int) INT.getVolatile(f, off + COMBO_OFFSET);
            int flags = flagsOf(combo);
            if ((flags & mask) != GTF_permit_access || domidOf(combo) != mapper) {
                return GntStatus.GNTST_general_error.code();
            }
            if (!readonly && (flags & GTF_readonly) != 0) {
                return GntStatus.GNTST_general_error.code();
            }
            int nflags = flags | GTF_reading | (readonly ? 0 : GTF_writing);
            if (INT.compareAndSet(f, off + COMBO_OFFSET, combo, combo & 0xFFFF0000 | nflags)) {
                break;
            }
        }
        pins[ref]++;
        if (!readonly) {
            writePins[ref]++;
        }
        // Acquire pairs with the granter's release fence: the frame we read is the one granted.
        VarHandle.acquireFence();
        return f.get(ValueLayout.JAVA_INT, off + FRAME_OFFSET) & 0xFFFFFFFFL;
    }

    /** Drops a pin and clears GTF_writing / GTF_reading when the last such pin goes. */
    private synchronized void unpin(int ref, boolean readonly) {
        if (pins[ref] == 0) {
            return;
        }
        pins[ref]--;
        if (!readonly) {
            writePins[ref]--;
        }
        int clear = (writePins[ref] == 0 ? GTF_writing : 0) | (pins[ref] == 0 ? GTF_reading : 0);
        if (clear != 0) {
            MemorySegment f = frameOf(frames, ref);
            INT.getAndBitwiseAnd(f, offsetIn(ref) + COMBO_OFFSET, ~clear);
        }
    }

    private synchronized void markDead() {
        alive = false;
    }

    /** Pins currently held on one of this domain's refs (for tests and leak checks). */
    synchronized int pinCount(int ref) {
        return ref >= 0 && ref < pins.length ? pins[ref] : 0;
    }

    // ---------------------------------------------------------------- hypercalls made by this domain

    private GntStatus enter(Hypercall call) {
        if (!self.isLive()) {
            return GntStatus.GNTST_bad_domain;
        }
        FaultInterceptor f = hv.faults();
        if (f != null && f.onHypercall(self.domid(), call) == FaultInterceptor.HypercallAction.CRASH_CALLER) {
            hv.crashFromFault(self, call);
            return GntStatus.GNTST_bad_domain;
        }
        return GntStatus.GNTST_okay;
    }

    @Override
    public MapResult map(int domid, int ref, boolean readonly) {
        GntStatus e = enter(Hypercall.GNTTABOP_map_grant_ref);
        if (!e.isOkay()) {
            return new MapResult.Refused(e);
        }
        if (domid == DomId.DOMID_SELF) {
            return new MapResult.Refused(GntStatus.GNTST_bad_domain);
        }
        InProcessDomain granter = hv.liveDomain(domid);
        if (granter == null) {
            return new MapResult.Refused(GntStatus.GNTST_bad_domain);
        }
        FaultInterceptor f = hv.faults();
        if (f != null) {
            GntStatus forced = f.onGrantMap(self.domid(), domid, ref, readonly);
            if (forced != null && !forced.isOkay()) {
                return new MapResult.Refused(forced);
            }
        }
        DomainGrantTable gt = granter.gnttabImpl();
        long frame = gt.pin(ref, self.domid(), readonly, false);
        if (frame < 0) {
            return new MapResult.Refused(GntStatus.of((int) frame));
        }
        MemorySegment page = granter.memoryImpl().retainForeign((int) frame);
        if (page == null) {
            gt.unpin(ref, readonly);
            return new MapResult.Refused(GntStatus.GNTST_general_error);
        }
        int handle;
        synchronized (maptrack) {
            Maptrack m = new Maptrack(gt, ref, readonly, (int) frame);
            if (freeHandles.isEmpty()) {
                handle = handles.size();
                handles.add(m);
            } else {
                handle = freeHandles.pollFirst();
                handles.set(handle, m);
            }
            activeMappings++;
        }
        return new MapResult.Mapped(handle, readonly ? page.asReadOnly() : page);
    }

    @Override
    public GntStatus unmap(int handle) {
        GntStatus e = enter(Hypercall.GNTTABOP_unmap_grant_ref);
        if (!e.isOkay()) {
            return e;
        }
        return unmapHandle(handle);
    }

    private GntStatus unmapHandle(int handle) {
        Maptrack m;
        synchronized (maptrack) {
            if (handle < 0 || handle >= handles.size() || handles.get(handle) == null) {
                return GntStatus.GNTST_bad_handle;
            }
            m = handles.set(handle, null);
            freeHandles.addLast(handle);
            activeMappings--;
        }
        m.granter().self.memoryImpl().releaseForeign(m.frame());
        m.granter().unpin(m.ref(), m.readonly());
        return GntStatus.GNTST_okay;
    }

    @Override
    public int activeMappings() {
        synchronized (maptrack) {
            return activeMappings;
        }
    }

    /** A claimed side of a copy: the page and how to let go of it. */
    private record Claim(MemorySegment page, DomainGrantTable pinnedIn, int ref, boolean readonly, int frame) {
        void release() {
            if (pinnedIn != null) {
                pinnedIn.self.memoryImpl().releaseForeign(frame);
                pinnedIn.unpin(ref, readonly);
            }
        }
    }

    @Override
    public GntStatus copy(GntCopy op) {
        GntStatus e = enter(Hypercall.GNTTABOP_copy);
        if (!e.isOkay()) {
            return e;
        }
        if (op.len() == 0) {
            return GntStatus.GNTST_okay;
        }
        // 1. domains (gnttab_copy_lock_domain), source then destination
        Object[] src = lockDomain(op.source());
        if (src[0] instanceof GntStatus s) {
            return s;
        }
        Object[] dst = lockDomain(op.dest());
        if (dst[0] instanceof GntStatus s) {
            return s;
        }
        // 2. refs or frames (gnttab_copy_claim_buf), source then destination
        Object sc = claim(op.source(), (InProcessDomain) src[0], true);
        if (sc instanceof GntStatus s) {
            return s;
        }
        Claim sClaim = (Claim) sc;
        Object dc = claim(op.dest(), (InProcessDomain) dst[0], false);
        if (dc instanceof GntStatus s) {
            sClaim.release();
            return s;
        }
        Claim dClaim = (Claim) dc;
        try {
            // 3. page bounds last (gnttab_copy_buf), so a bad ref wins over a page-crossing length
            if (op.source().offset() + op.len() > PAGE_SIZE || op.dest().offset() + op.len() > PAGE_SIZE) {
                return GntStatus.GNTST_bad_copy_arg;
            }
            MemorySegment.copy(sClaim.page(), op.source().offset(), dClaim.page(), op.dest().offset(), op.len());
            return GntStatus.GNTST_okay;
        } finally {
            dClaim.release();
            sClaim.release();
        }
    }

    private Object[] lockDomain(GntCopy.Ptr p) {
        // Only DOMID_SELF may name a frame; a foreign domain must be named through a grant.
        if (p.domid() != DomId.DOMID_SELF && !p.gref()) {
            return new Object[] {GntStatus.GNTST_permission_denied};
        }
        InProcessDomain d = p.domid() == DomId.DOMID_SELF ? self : hv.liveDomain(p.domid());
        if (d == null) {
            return new Object[] {GntStatus.GNTST_bad_domain};
        }
        return new Object[] {d};
    }

    private Object claim(GntCopy.Ptr p, InProcessDomain d, boolean readonly) {
        if (p.gref()) {
            DomainGrantTable gt = d.gnttabImpl();
            long frame = gt.pin(p.refOrFrame(), self.domid(), readonly, true);
            if (frame < 0) {
                return GntStatus.of((int) frame);
            }
            MemorySegment page = d.memoryImpl().retainForeign((int) frame);
            if (page == null) {
                gt.unpin(p.refOrFrame(), readonly);
                return GntStatus.GNTST_general_error;
            }
            return new Claim(page, gt, p.refOrFrame(), readonly, (int) frame);
        }
        MemorySegment page = d.memoryImpl().pageOrNull(p.refOrFrame());
        if (page == null) {
            return GntStatus.GNTST_bad_page;
        }
        return new Claim(page, null, 0, readonly, 0);
    }

    // ---------------------------------------------------------------- unmap notify

    private final List<UnmapNotify> unmapNotifies = new ArrayList<>();

    private final class UnmapNotify implements AutoCloseable {
        final MemorySegment page;
        final long byteOffset;
        final int port;

        UnmapNotify(MemorySegment page, long byteOffset, int port) {
            this.page = page;
            this.byteOffset = byteOffset;
            this.port = port;
        }

        @Override
        public void close() {
            synchronized (unmapNotifies) {
                unmapNotifies.remove(this);
            }
        }
    }

    @Override
    public AutoCloseable unmapNotify(MemorySegment page, long byteOffset, int port) {
        if (byteOffset < 0 || byteOffset >= page.byteSize()) {
            throw new IllegalArgumentException("unmap-notify offset " + byteOffset + " is outside the page");
        }
        UnmapNotify n = new UnmapNotify(page, byteOffset, port);
        synchronized (unmapNotifies) {
            unmapNotifies.add(n);
        }
        return n;
    }

    /** Clears each registered byte and sends on each registered port; the domain is being destroyed. */
    void fireUnmapNotifies() {
        List<UnmapNotify> ns;
        synchronized (unmapNotifies) {
            ns = new ArrayList<>(unmapNotifies);
            unmapNotifies.clear();
        }
        for (UnmapNotify n : ns) {
            // Clear the byte with an atomic on its aligned 32-bit word, so neighbouring bytes the
            // peer updates atomically (vchan's notify bits) are not overwritten.
            long word = n.byteOffset & ~3L;
            int shift = (int) (n.byteOffset - word) * 8;
            if (!n.page.isReadOnly()) {
                INT.getAndBitwiseAnd(n.page, word, ~(0xFF << shift));
            }
            self.evtchnImpl().deliver(n.port, hv.faults());
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Domain destruction ({@code gnttab_release_mappings}): drop every mapping this domain holds so
     * the granters' flags fall and their end_access succeeds; refuse new maps of this domain's grants.
     */
    void releaseOnDestroy() {
        markDead();
        List<Integer> live = new ArrayList<>();
        synchronized (maptrack) {
            for (int h = 0; h < handles.size(); h++) {
                if (handles.get(h) != null) {
                    live.add(h);
                }
            }
        }
        for (int h : live) {
            unmapHandle(h);
        }
    }

    /** Fault injection: overwrite the entry's flags with 0 even while mapped. */
    Errno revoke(int ref) {
        MemorySegment[] fs = frames;
        if (ref < 0 || ref >= fs.length * ENTRIES_PER_FRAME) {
            return Errno.EINVAL;
        }
        INT.getAndBitwiseAnd(frameOf(fs, ref), offsetIn(ref) + COMBO_OFFSET, 0xFFFF0000);
        return Errno.OK;
    }

    /** The raw flags of an entry, for tests and inspection. */
    int flags(int ref) {
        MemorySegment[] fs = frames;
        if (ref < 0 || ref >= fs.length * ENTRIES_PER_FRAME) {
            throw new IllegalArgumentException("ref " + ref + " is past dom" + self.domid() + "'s grant table");
        }
        return flagsOf((int) INT.getVolatile(frameOf(fs, ref), offsetIn(ref) + COMBO_OFFSET));
    }
}
