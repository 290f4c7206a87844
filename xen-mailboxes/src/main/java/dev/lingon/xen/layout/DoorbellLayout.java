package dev.lingon.xen.layout;

/**
 * A doorbell: how a vCPU blocked in one process is woken by an event raised in another. Not a Xen
 * structure — in Xen the hypervisor itself kicks the vCPU; across our processes the raiser rings the
 * doorbell of the target's vCPU directly, without a round trip through dom0. Lives in shared memory
 * (the domain's hypervisor pages), 8 bytes, 4-byte aligned.
 *
 * <pre>
 *  offset  size
 *  0       4     s32 seq       futex word: bumped by every ring that finds a waiter
 *  4       4     s32 waiters   vCPU threads between "about to sleep" and "awake again"
 * </pre>
 *
 * Protocol (Dekker's, each side a full fence through an atomic read-modify-write):
 * <ul>
 *   <li>waiter: {@code waiters += 1} (RMW, fence), read {@code seq}, re-check the condition (e.g.
 *       {@code upcall_pending}); if it holds, {@code waiters -= 1} and go on; else {@code FUTEX_WAIT(seq,
 *       seen)}, then {@code waiters -= 1}.</li>
 *   <li>raiser: make the condition true with an RMW (the test-and-set of the pending bit: fence), read
 *       {@code waiters}; only if non-zero, {@code seq += 1} (RMW) and {@code FUTEX_WAKE(seq, all)}.</li>
 * </ul>
 * Either the waiter's re-check sees the condition or the raiser sees the waiter; a ring between the
 * waiter's read of {@code seq} and its {@code FUTEX_WAIT} changes {@code seq}, so the wait returns at
 * once ({@code EAGAIN}). A raiser that finds no waiter makes no system call.
 */
public final class DoorbellLayout {
    public static final int SEQ_OFFSET = 0;
    public static final int WAITERS_OFFSET = 4;
    public static final int SIZE = 8;

    private DoorbellLayout() {
    }
}
