package dev.lingon.xen.mailbox;

/**
 * Tuning of a domain's mailbox channels.
 *
 * @param ringBytes     capacity of each direction's ring (bytes; rounded up to a power of two, at most
 *                      1 MiB); the largest message is this minus the frame headers
 * @param pendingLimit  frames a channel holds while its ring is full; beyond that, messages go to dead
 *                      letters with reason "ring full" and are counted
 * @param drainBatch    frames the channel's actor handles per turn before yielding to other actors
 */
public record MailboxSettings(int ringBytes, int pendingLimit, int drainBatch) {

    public static final MailboxSettings DEFAULTS = new MailboxSettings(1 << 18, 10_000, 256);

    public MailboxSettings {
        if (ringBytes < 1024 || ringBytes > (1 << 20)) {
            throw new IllegalArgumentException("ringBytes must be 1024..1048576, got " + ringBytes);
        }
        if (pendingLimit < 0) {
            throw new IllegalArgumentException("pendingLimit must not be negative, got " + pendingLimit);
        }
        if (drainBatch < 1) {
            throw new IllegalArgumentException("drainBatch must be at least 1, got " + drainBatch);
        }
    }

    public MailboxSettings withRingBytes(int n) {
        return new MailboxSettings(n, pendingLimit, drainBatch);
    }

    public MailboxSettings withPendingLimit(int n) {
        return new MailboxSettings(ringBytes, n, drainBatch);
    }

    public MailboxSettings withDrainBatch(int n) {
        return new MailboxSettings(ringBytes, pendingLimit, n);
    }
}
