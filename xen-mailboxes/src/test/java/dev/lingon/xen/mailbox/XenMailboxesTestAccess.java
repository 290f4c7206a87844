package dev.lingon.xen.mailbox;

import dev.lingon.xen.vchan.FramedVchan;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** Reaches into channels for fault-injection tests. */
final class XenMailboxesTestAccess {
    private XenMailboxesTestAccess() {
    }

    /** Writes raw frame bytes on the open channel from {@code mb} to {@code peer}, bypassing the wire format. */
    static boolean writeRaw(XenMailboxes mb, int peer, byte[] frame) {
        for (Channel c : mb.channelsForTest()) {
            if (c.peerDomid == peer && c.state() == Channel.State.OPEN) {
                return c.writeRawForTest(frame);
            }
        }
        return false;
    }

    /** Writes raw frame bytes on every open channel between {@code mb} and {@code peer}; returns how many. */
    static int writeRawOnEveryChannel(XenMailboxes mb, int peer, byte[] frame) {
        int n = 0;
        for (Channel c : mb.channelsForTest()) {
            if (c.peerDomid == peer && c.state() == Channel.State.OPEN && c.writeRawForTest(frame)) {
                n++;
            }
        }
        return n;
    }

    /** Remote-actor proxies the channels of {@code mb} keep. */
    static int proxiesKept(XenMailboxes mb) {
        int n = 0;
        for (Channel c : mb.channelsForTest()) {
            n += c.proxiesForTest();
        }
        return n;
    }

    /** Bytes written so far on the open channel from {@code mb} to {@code peer}. */
    static long bytesWritten(XenMailboxes mb, int peer) {
        for (Channel c : mb.channelsForTest()) {
            if (c.peerDomid == peer && c.state() == Channel.State.OPEN) {
                return c.bytesWrittenForTest();
            }
        }
        throw new IllegalStateException("no open channel to dom" + peer);
    }
}
