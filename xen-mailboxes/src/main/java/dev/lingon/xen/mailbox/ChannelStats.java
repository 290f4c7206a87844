package dev.lingon.xen.mailbox;

/**
 * Counters of one mailbox channel to a peer domain.
 *
 * @param state             connecting, open or closed
 * @param sent              frames written into the ring (messages and control)
 * @param received          messages delivered to local actors
 * @param pending           frames waiting for ring space right now
 * @param droppedRingFull   messages sent to dead letters because the pending queue was full
 * @param droppedTooLarge   messages larger than the ring can ever carry
 * @param droppedClosed     messages sent while, or queued when, the channel closed
 * @param serializationFailures messages that could not be serialized
 * @param malformedFrames   frames from the peer that could not be read (each closes the channel)
 */
public record ChannelStats(int peerDomid, String state, long sent, long received, int pending, long droppedRingFull,
                           long droppedTooLarge, long droppedClosed, long serializationFailures, long malformedFrames) {
}
