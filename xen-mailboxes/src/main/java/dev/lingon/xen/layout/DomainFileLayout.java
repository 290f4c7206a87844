package dev.lingon.xen.layout;

/**
 * A domain's shared-memory file in the process backend ({@code dom<domid>-g<generation>.mem} in the
 * run's {@code ShmDirectory}): every page of the domain that another process may need to see, at a
 * fixed place, so dom0 (the hypervisor) and the domain's own process map one file and agree on the bytes.
 * Not a Xen structure: in Xen these pages are machine frames the hypervisor tracks; here the file is the
 * machine memory of one domain. The file is sparse: only touched pages use memory.
 *
 * <pre>
 *  page                              size (pages)      contents
 *  0                                 1                 struct shared_info ({@link SharedInfoLayout})
 *  1                                 1                 doorbells: vCPU v's at v * 64 ({@link DoorbellLayout}),
 *                                                      one cache line each, for XEN_LEGACY_MAX_VCPUS vCPUs
 *  2 .. 5                            4                 port-state mirror: one u32 per event-channel port
 *                                                      (4096 ports); dom0 writes it on every change, the
 *                                                      domain only reads it (see below)
 *  6 .. 6+G-1                        G                 grant-table frames ({@link GrantEntryLayout}),
 *                                                      G = the domain's max_grant_frames
 *  6+G .. 6+G+P                      P+1               pseudo-physical frames 0 .. P (P = max pages; frame
 *                                                      numbers start at 1, as DomainMemory hands them out):
 *                                                      frame n is at page 6+G+n
 * </pre>
 *
 * Port-state word (u32, little-endian), written by dom0 with a release store after the change is made,
 * read by the domain with an acquire load; it lets a domain send on an interdomain port without a round
 * trip through dom0:
 * <pre>
 *  bits 0..3    EVTCHNSTAT_* ({@code EvtchnState.value()}): closed 0, unbound 1, interdomain 2, virq 4, ipi 5
 *  bits 4..15   interdomain: the remote port (ports are below 4096)
 *  bits 16..31  interdomain: the remote domid; unbound: the domid allowed to bind
 * </pre>
 */
public final class DomainFileLayout {
    public static final int PAGE_SIZE = 4096;

    public static final int SHARED_INFO_PAGE = 0;
    public static final int DOORBELL_PAGE = 1;
    /** Bytes between two vCPUs' doorbells: a cache line, so two vCPUs' waiter counts never share one. */
    public static final int DOORBELL_STRIDE = 64;
    public static final int PORT_STATE_PAGE = 2;
    public static final int PORT_STATE_PAGES = 4;
    public static final int PORT_STATE_SIZE = 4;
    public static final int GRANT_FRAMES_PAGE = PORT_STATE_PAGE + PORT_STATE_PAGES;

    public static final int PORT_STATE_MASK = 0xF;
    public static final int REMOTE_PORT_SHIFT = 4;
    public static final int REMOTE_PORT_MASK = 0xFFF;
    public static final int REMOTE_DOMID_SHIFT = 16;
    public static final int REMOTE_DOMID_MASK = 0xFFFF;

    private DomainFileLayout() {
    }

    /** The file's name in the run directory. */
    public static String fileName(int domid, long generation) {
        return "dom" + domid + "-g" + generation + ".mem";
    }

    public static long doorbellOffset(int vcpu) {
        return (long) DOORBELL_PAGE * PAGE_SIZE + (long) vcpu * DOORBELL_STRIDE;
    }

    public static long portStateOffset(int port) {
        return (long) PORT_STATE_PAGE * PAGE_SIZE + (long) port * PORT_STATE_SIZE;
    }

    public static long grantFrameOffset(int frame) {
        return ((long) GRANT_FRAMES_PAGE + frame) * PAGE_SIZE;
    }

    /** Where pseudo-physical frame {@code frame} of a domain with {@code maxGrantFrames} lives. */
    public static long frameOffset(int maxGrantFrames, int frame) {
        return ((long) GRANT_FRAMES_PAGE + maxGrantFrames + frame) * PAGE_SIZE;
    }

    /** The file's size for a domain of {@code maxGrantFrames} grant frames and {@code maxPages} pages. */
    public static long fileSize(int maxGrantFrames, int maxPages) {
        return frameOffset(maxGrantFrames, maxPages + 1);
    }

    public static int portState(int evtchnStat, int remoteDomid, int remotePort) {
        return (evtchnStat & PORT_STATE_MASK) | (remotePort & REMOTE_PORT_MASK) << REMOTE_PORT_SHIFT
                | (remoteDomid & REMOTE_DOMID_MASK) << REMOTE_DOMID_SHIFT;
    }

    public static int stateOf(int word) {
        return word & PORT_STATE_MASK;
    }

    public static int remotePortOf(int word) {
        return word >>> REMOTE_PORT_SHIFT & REMOTE_PORT_MASK;
    }

    public static int remoteDomidOf(int word) {
        return word >>> REMOTE_DOMID_SHIFT & REMOTE_DOMID_MASK;
    }
}
