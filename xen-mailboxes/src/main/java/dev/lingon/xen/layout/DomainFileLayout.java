package dev.lingon.xen.layout;

/**
 * A domain's shared-memory file in the process backend ({@code dom<domid>-g<generation>.mem} in the
 * run's {@code ShmDirectory}): every page of the domain that another process may need to see, at a
 * fixed place, so dom0 (the hypervisor) and the domain's own process map one file and agree on the bytes.
 * Not a Xen structure: in Xen these pages are machine frames the hypervisor tracks; here the file is the
 * machine memory of one domain. The file is sparse: only touched pages use memory. The in-process
 * backend keeps the same pages (shared info, vCPU page, port-state mirror, grant frames) in an arena,
 * with the same contents, so one data-plane code path serves both.
 *
 * <pre>
 *  page                              size (pages)      contents
 *  0                                 1                 struct shared_info ({@link SharedInfoLayout})
 *  1                                 1                 the vCPU page (below; {@link #DOORBELL_PAGE}): doorbells,
 *                                                      kick words, the file header, poll mask and run state
 *  2 .. 5                            4                 port-state mirror: one u32 per event-channel port
 *                                                      (4096 ports); dom0 writes it on every change, the
 *                                                      domain only reads it (see below)
 *  6                                 1                 notify-vCPU mirror: one u8 per port, the port's
 *                                                      notify_vcpu_id (see below)
 *  7 .. 7+G-1                        G                 grant-table frames ({@link GrantEntryLayout}),
 *                                                      G = the domain's max_grant_frames
 *  7+G .. 7+G+P                      P+1               pseudo-physical frames 0 .. P (P = max pages; frame
 *                                                      numbers start at 1, as DomainMemory hands them out):
 *                                                      frame n is at page 7+G+n
 * </pre>
 *
 * The vCPU page. One 64-byte slot (a cache line) per vCPU, so two vCPUs' words never share a line:
 * <pre>
 *  offset            size
 *  v*64 + 0          8     vCPU v's doorbell ({@link DoorbellLayout}): its sleeping thread waits here
 *  v*64 + 8          4     u32 kicked: set to 1 by vcpu_kick before it rings; a vCPU in SCHEDOP_block
 *                          returns once it swaps it back to 0, even if another scan took the event
 *  v*64 + 12         4     s32 poll_evtchn (Xen's v->poll_evtchn): while vCPU v polls one port, that
 *                          port; while it polls several, -1; a raiser wakes a poller whose value is
 *                          the raised port or not positive
 *  2048 (HEADER)     32    the file header, written by dom0 before the file is handed to anyone:
 *                            +0 u32 magic 'LNGD' (0x4447_4E4C)   +4 u32 layout version (1)
 *                            +8 u32 domid   +12 u32 vcpus   +16 u64 generation
 *                            +24 u32 max_grant_frames   +28 u32 max_pages
 *  2112              8     u64 poll_mask: bit v set while vCPU v is in SCHEDOP_poll (Xen's d->poll_mask)
 *  2176              4     u32 run state, written by dom0 (release) before it rings every doorbell:
 *                            bit 0 paused; bits 4..7 0 live, 1 shutdown, 2 crashed, 3 dying;
 *                            bits 8..15 the shutdown reason (SHUTDOWN_* code) once shut down
 * </pre>
 *
 * How any process raises an event in this domain ({@code evtchn_port_set_pending}, then the wake-ups
 * Xen's {@code vcpu_kick} and {@code evtchn_check_pollers} do), with no round trip through dom0:
 * set the port pending as {@code SharedInfoPage.raise} does; if that answers "kick", set the target
 * vCPU's kicked word (atomic) and ring its doorbell; unless the event merged, read poll_mask and ring
 * the doorbell of every vCPU whose bit is set and whose poll_evtchn is the port or not positive. The
 * atomic that made the condition true comes before each ring, as the doorbell's protocol requires, so
 * no wake-up is lost. The hypervisor itself raises events this way too ({@code EventDelivery}).
 *
 * <p>Port-state word (u32, little-endian), written by dom0 with a release store after the change is
 * made, read by the domain with an acquire load; it lets a domain send on an interdomain port without
 * a round trip through dom0 (read its own word for the peer, then the peer's word to check it still
 * points back, then the peer port's notify vCPU to know whose selector and doorbell the event uses):
 * <pre>
 *  bits 0..3    EVTCHNSTAT_* ({@code EvtchnState.value()}): closed 0, unbound 1, interdomain 2, virq 4, ipi 5
 *  bits 4..15   interdomain: the remote port (ports are below 4096); virq: the VIRQ number
 *  bits 16..31  interdomain: the remote domid; unbound: the domid allowed to bind
 * </pre>
 * The notify-vCPU byte of a port ({@code notify_vcpu_id}, below {@code XEN_LEGACY_MAX_VCPUS}) does not
 * fit in that word, so it has a page of its own; dom0 writes it (release) before the port's word, so
 * a reader that loads the word with acquire and then the byte sees a byte at least as new as the word.
 */
public final class DomainFileLayout {
    public static final int PAGE_SIZE = 4096;

    public static final int SHARED_INFO_PAGE = 0;
    public static final int DOORBELL_PAGE = 1;
    /** Bytes between two vCPUs' doorbells: a cache line, so two vCPUs' waiter counts never share one. */
    public static final int DOORBELL_STRIDE = 64;
    /** The doorbell page, named for all it holds: each vCPU's doorbell and words, the header, the run state. */
    public static final int VCPU_PAGE = DOORBELL_PAGE;
    /** Bytes of one vCPU's slot in the vCPU page: its doorbell's stride. */
    public static final int VCPU_SLOT_SIZE = DOORBELL_STRIDE;
    public static final int DOORBELL_IN_SLOT = 0;
    public static final int KICKED_IN_SLOT = 8;
    public static final int POLL_EVTCHN_IN_SLOT = 12;

    public static final int HEADER_OFFSET = 2048;
    public static final int MAGIC = 0x4447_4E4C; // "LNGD" in little-endian bytes
    public static final int VERSION = 1;
    public static final int MAGIC_OFFSET = HEADER_OFFSET;
    public static final int VERSION_OFFSET = HEADER_OFFSET + 4;
    public static final int DOMID_OFFSET = HEADER_OFFSET + 8;
    public static final int VCPUS_OFFSET = HEADER_OFFSET + 12;
    public static final int GENERATION_OFFSET = HEADER_OFFSET + 16;
    public static final int MAX_GRANT_FRAMES_OFFSET = HEADER_OFFSET + 24;
    public static final int MAX_PAGES_OFFSET = HEADER_OFFSET + 28;
    public static final int POLL_MASK_OFFSET = 2112;
    public static final int RUN_STATE_OFFSET = 2176;

    public static final int RUN_PAUSED = 1;
    public static final int RUN_TERMINAL_SHIFT = 4;
    public static final int RUN_TERMINAL_MASK = 0xF;
    public static final int RUN_LIVE = 0;
    public static final int RUN_SHUTDOWN = 1;
    public static final int RUN_CRASHED = 2;
    public static final int RUN_DYING = 3;
    public static final int RUN_REASON_SHIFT = 8;
    public static final int RUN_REASON_MASK = 0xFF;

    public static final int PORT_STATE_PAGE = 2;
    public static final int PORT_STATE_PAGES = 4;
    public static final int PORT_STATE_SIZE = 4;
    public static final int NOTIFY_VCPU_PAGE = PORT_STATE_PAGE + PORT_STATE_PAGES;
    /** The port-state words and the notify-vCPU bytes together: what the hypervisor mirrors per port. */
    public static final int PORT_MIRROR_PAGES = PORT_STATE_PAGES + 1;
    public static final int GRANT_FRAMES_PAGE = NOTIFY_VCPU_PAGE + 1;

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

    /** Offset of vCPU {@code vcpu}'s slot within the vCPU page. */
    public static long vcpuSlotInPage(int vcpu) {
        return (long) vcpu * VCPU_SLOT_SIZE;
    }

    /** Offset in the file of vCPU {@code vcpu}'s doorbell. */
    public static long doorbellOffset(int vcpu) {
        return (long) VCPU_PAGE * PAGE_SIZE + vcpuSlotInPage(vcpu) + DOORBELL_IN_SLOT;
    }

    /** Offset in the file of vCPU {@code vcpu}'s kicked word. */
    public static long kickedOffset(int vcpu) {
        return (long) VCPU_PAGE * PAGE_SIZE + vcpuSlotInPage(vcpu) + KICKED_IN_SLOT;
    }

    /** Offset in the file of vCPU {@code vcpu}'s poll_evtchn word. */
    public static long pollEvtchnOffset(int vcpu) {
        return (long) VCPU_PAGE * PAGE_SIZE + vcpuSlotInPage(vcpu) + POLL_EVTCHN_IN_SLOT;
    }

    /** Offset in the file of the poll mask. */
    public static long pollMaskOffset() {
        return (long) VCPU_PAGE * PAGE_SIZE + POLL_MASK_OFFSET;
    }

    /** Offset in the file of the run-state word. */
    public static long runStateOffset() {
        return (long) VCPU_PAGE * PAGE_SIZE + RUN_STATE_OFFSET;
    }

    /** Offset in the file of port {@code port}'s state word. */
    public static long portStateOffset(int port) {
        return (long) PORT_STATE_PAGE * PAGE_SIZE + (long) port * PORT_STATE_SIZE;
    }

    /** Offset in the file of port {@code port}'s notify-vCPU byte. */
    public static long notifyVcpuOffset(int port) {
        return (long) NOTIFY_VCPU_PAGE * PAGE_SIZE + port;
    }

    /** Offset of port {@code port}'s state word within the mirror pages (which start at {@link #PORT_STATE_PAGE}). */
    public static long portStateInMirror(int port) {
        return (long) port * PORT_STATE_SIZE;
    }

    /** Offset of port {@code port}'s notify-vCPU byte within the mirror pages. */
    public static long notifyVcpuInMirror(int port) {
        return (long) (NOTIFY_VCPU_PAGE - PORT_STATE_PAGE) * PAGE_SIZE + port;
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

    public static int runState(boolean paused, int terminal, int shutdownReason) {
        return (paused ? RUN_PAUSED : 0) | (terminal & RUN_TERMINAL_MASK) << RUN_TERMINAL_SHIFT
                | (shutdownReason & RUN_REASON_MASK) << RUN_REASON_SHIFT;
    }

    public static boolean isPaused(int runState) {
        return (runState & RUN_PAUSED) != 0;
    }

    public static int terminalOf(int runState) {
        return runState >>> RUN_TERMINAL_SHIFT & RUN_TERMINAL_MASK;
    }

    public static int shutdownReasonOf(int runState) {
        return runState >>> RUN_REASON_SHIFT & RUN_REASON_MASK;
    }
}
