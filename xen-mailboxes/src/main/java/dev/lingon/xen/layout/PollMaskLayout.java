package dev.lingon.xen.layout;

/**
 * Which vCPUs of a domain wait in {@code SCHEDOP_poll} (Xen's {@code d->poll_mask}), kept in the
 * domain's shared-memory file ({@link DomainFileLayout}) so that a raiser in another process can wake
 * them. It sits in the doorbell page, right after the {@link SharedInfoLayout#XEN_LEGACY_MAX_VCPUS}
 * doorbells, which fill the first half of that page.
 *
 * <pre>
 *  file offset                                   size
 *  DOORBELL_PAGE * 4096 + 32 * DOORBELL_STRIDE   8     u64 poll_mask: bit v set while vCPU v polls
 *  (= 0x1800)
 * </pre>
 *
 * Why it is needed: {@code SCHEDOP_poll} wakes on a polled port becoming pending even while the port is
 * masked, when the raise sets neither the selector nor {@code upcall_pending} and so kicks no vCPU.
 * Xen's {@code evtchn_check_pollers} then wakes every vCPU in {@code poll_mask} that polls that port
 * (all of them when a vCPU polls several ports); the process backend does the same through the
 * pollers' doorbells.
 *
 * <p>Protocol, Dekker-style like {@link DoorbellLayout}, each step a full fence through an atomic
 * read-modify-write:
 * <ul>
 *   <li>poller: set bit v (RMW), then wait on vCPU v's doorbell until a polled port is pending; clear
 *       bit v (RMW) when done.</li>
 *   <li>raiser: test-and-set the pending bit (RMW); if it was clear, read {@code poll_mask} and ring the
 *       doorbell of every vCPU whose bit is set.</li>
 * </ul>
 * Either the poller's check after setting its bit sees the pending bit, or the raiser sees the poller's
 * bit. A raiser that finds the mask zero — the common case — costs one load.
 */
public final class PollMaskLayout {
    public static final long POLL_MASK_OFFSET = (long) DomainFileLayout.DOORBELL_PAGE * DomainFileLayout.PAGE_SIZE
            + (long) SharedInfoLayout.XEN_LEGACY_MAX_VCPUS * DomainFileLayout.DOORBELL_STRIDE;
    public static final int POLL_MASK_SIZE = 8;

    private PollMaskLayout() {
    }
}
