package dev.lingon.xen.internal;

import static dev.lingon.xen.layout.SharedInfoLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * Atomic operations on a shared-info page ({@link dev.lingon.xen.layout.SharedInfoLayout}): the
 * hypervisor's raise path ({@code evtchn_2l_set_pending}) and unmask, and the guest's scan. Stateless
 * over the segment, so any backend that maps the same page (one JVM or several processes) can use it.
 * Safe for any thread: every read-modify-write is one atomic operation on an aligned 64-bit word.
 */
public final class SharedInfoPage {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment page;

    public SharedInfoPage(MemorySegment page) {
        if (page.byteSize() < PAGE_SIZE) {
            throw new IllegalArgumentException("shared-info page must be " + PAGE_SIZE + " bytes, got " + page.byteSize());
        }
        if (page.address() % Long.BYTES != 0) {
            throw new IllegalArgumentException("shared-info page must be 8-byte aligned");
        }
        this.page = page;
    }

    public MemorySegment segment() {
        return page;
    }

    /** test_and_set_bit on evtchn_pending: true if the port was already pending (the event merges). */
    public boolean testAndSetPending(int port) {
        long bit = bitOf(port);
        long old = (long) LONG.getAndBitwiseOr(page, pendingWordOffset(wordOf(port)), bit);
        return (old & bit) != 0;
    }

    public boolean testAndClearPending(int port) {
        long bit = bitOf(port);
        long old = (long) LONG.getAndBitwiseAnd(page, pendingWordOffset(wordOf(port)), ~bit);
        return (old & bit) != 0;
    }

    public boolean isPending(int port) {
        return ((long) LONG.getVolatile(page, pendingWordOffset(wordOf(port))) & bitOf(port)) != 0;
    }

    public boolean isMasked(int port) {
        return ((long) LONG.getVolatile(page, maskWordOffset(wordOf(port))) & bitOf(port)) != 0;
    }

    public void setMask(int port) {
        LONG.getAndBitwiseOr(page, maskWordOffset(wordOf(port)), bitOf(port));
    }

    public boolean testAndClearMask(int port) {
        long bit = bitOf(port);
        long old = (long) LONG.getAndBitwiseAnd(page, maskWordOffset(wordOf(port)), ~bit);
        return (old & bit) != 0;
    }

    /** test_and_set_bit on the vCPU's selector: true if the word was already flagged. */
    public boolean testAndSetSelector(int vcpu, int word) {
        long bit = 1L << word;
        long old = (long) LONG.getAndBitwiseOr(page, pendingSelOffset(vcpu), bit);
        return (old & bit) != 0;
    }

    /** test_and_set_bit(0, &upcall_pending): true if it was already set. */
    public boolean testAndSetUpcallPending(int vcpu) {
        long old = (long) LONG.getAndBitwiseOr(page, vcpuFlagsWordOffset(vcpu), UPCALL_PENDING_BIT);
        return (old & UPCALL_PENDING_BIT) != 0;
    }

    public void clearUpcallPending(int vcpu) {
        LONG.getAndBitwiseAnd(page, vcpuFlagsWordOffset(vcpu), ~UPCALL_PENDING_BIT);
    }

    public boolean isUpcallPending(int vcpu) {
        return ((long) LONG.getVolatile(page, vcpuFlagsWordOffset(vcpu)) & UPCALL_PENDING_BIT) != 0;
    }

    /**
     * upcall_pending read without ordering (opaque): cheap enough for a kernel to look between every
     * slice. A hint only: code that must not miss an event (blocking) uses {@link #isUpcallPending}.
     */
    public boolean peekUpcallPending(int vcpu) {
        return ((byte) BYTE.getOpaque(page, (long) vcpuFlagsWordOffset(vcpu)) & 1) != 0;
    }

    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    public void setUpcallMask(int vcpu, boolean masked) {
        if (masked) {
            LONG.getAndBitwiseOr(page, vcpuFlagsWordOffset(vcpu), UPCALL_MASK_BIT);
        } else {
            LONG.getAndBitwiseAnd(page, vcpuFlagsWordOffset(vcpu), ~UPCALL_MASK_BIT);
        }
    }

    /**
     * {@code evtchn_2l_set_pending}: test-and-set the pending bit; if it was clear and the port is not
     * masked, flag the word in the vCPU's selector and, if that was clear too, set upcall_pending.
     *
     * @return {@link Raise#MERGED} if the port was already pending, {@link Raise#KICK} if the vCPU must
     * be kicked (upcall_pending went from 0 to 1), {@link Raise#QUIET} otherwise
     */
    public Raise raise(int port, int vcpu) {
        if (testAndSetPending(port)) {
            return Raise.MERGED;
        }
        // Pending is set before the mask and selector are read: a guest that unmasks or scans after
        // this point sees the bit, so the event is never lost between the two.
        if (!isMasked(port) && !testAndSetSelector(vcpu, wordOf(port))) {
            if (!testAndSetUpcallPending(vcpu)) {
                return Raise.KICK;
            }
        }
        return Raise.QUIET;
    }

    /** The outcome of {@link #raise}. */
    public enum Raise { MERGED, QUIET, KICK }

    /**
     * {@code evtchn_2l_unmask}: clear the mask bit; if it was set and the port is pending, flag the
     * selector and upcall as a raise would. True if the vCPU must be kicked.
     */
    public boolean unmask(int port, int vcpu) {
        if (testAndClearMask(port) && isPending(port)
                && !testAndSetSelector(vcpu, wordOf(port))) {
            return !testAndSetUpcallPending(vcpu);
        }
        return false;
    }

    /**
     * The guest's 2-level upcall scan for one vCPU (Linux {@code evtchn_2l_handle_events}): clear
     * upcall_pending first (so a raise that lands during the scan sets it again and is not lost),
     * exchange the selector with 0, and for each flagged word hand over each pending, unmasked port,
     * clearing its pending bit before the handler runs (an event raised during the handler is kept).
     */
    public int drain(int vcpu, IntConsumer handler) {
        clearUpcallPending(vcpu);
        long sel = (long) LONG.getAndSet(page, pendingSelOffset(vcpu), 0L);
        int delivered = 0;
        while (sel != 0) {
            int word = Long.numberOfTrailingZeros(sel);
            sel &= sel - 1;
            long pendingWord = pendingWordOffset(word);
            long bits = (long) LONG.getVolatile(page, pendingWord)
                    & ~(long) LONG.getVolatile(page, maskWordOffset(word));
            while (bits != 0) {
                int bit = Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                long b = 1L << bit;
                long old = (long) LONG.getAndBitwiseAnd(page, pendingWord, ~b);
                if ((old & b) != 0) {
                    delivered++;
                    handler.accept(word * BITS_PER_WORD + bit);
                }
            }
        }
        return delivered;
    }

    /** Any pending, unmasked port at all, whatever the selector says (a scan that ignores selectors, as LING's). */
    public boolean anyPendingUnmasked() {
        for (int w = 0; w < WORDS; w++) {
            if (((long) LONG.getVolatile(page, pendingWordOffset(w))
                    & ~(long) LONG.getVolatile(page, maskWordOffset(w))) != 0) {
                return true;
            }
        }
        return false;
    }
}
