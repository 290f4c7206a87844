package dev.lingon.xen.remote;

/**
 * The hypercall protocol between a domain's process and dom0's process: the byte layout of every frame
 * on the Unix-domain socket. {@link HypercallCodec} turns the {@link Request} and {@link Reply} records
 * into these bytes and back. Not a Xen structure: in Xen a guest traps into the hypervisor; here the
 * trap is a frame on a socket to the process that holds the hypervisor. Operation numbers are Xen's,
 * where Xen has one: {@code (__HYPERVISOR_<hypercall> << 8) | <sub-op>}, so {@code EVTCHNOP_send} is
 * {@code 0x2004} (event_channel_op 32, send 4).
 *
 * <h2>Frames</h2>
 * Every field is little-endian, as Xen's structures are on x86 and Arm. Every frame in either direction:
 * <pre>
 *  +0   u32 len       bytes after this field: 8 + body length; 8 ≤ len ≤ MAX_LEN (16384)
 *  +4   u16 kind      domain → dom0: the operation (OP_* below); dom0 → domain: the reply (REPLY_*)
 *  +6   u16 reserved  0; anything else is a malformed frame (room for flags without a new version)
 *  +8   u32 req_id    request: the domain's choice, unique among its calls in flight, never 0;
 *                     reply: the request's, echoed; 0 for a push (a frame dom0 sends unasked)
 *  +12  body          len − 8 bytes, laid out per kind below; every byte must be consumed
 * </pre>
 * Body field types: {@code u8 u16 u32 i32 i64} as named; {@code bool} is a u8 that must be 0 or 1;
 * {@code str} is {@code u16 n} then {@code n} bytes of UTF-8 (n ≤ 4096); {@code bytes} is {@code u32 n}
 * then {@code n} raw bytes. A frame is malformed when its length is out of range, its kind unknown, its
 * reserved field non-zero, a bool not 0/1, an enumeration code unknown, its body too short or longer
 * than its fields: the receiver sends {@link #REPLY_PROTOCOL_ERROR} (dom0 only), closes that connection
 * and no other, and names what was wrong. A connection that ends inside a frame is truncated, and handled
 * the same way.
 *
 * <h2>Handshake</h2>
 * The first frame a domain sends is {@link #OP_HELLO}; dom0 answers {@link #REPLY_WELCOME} and the
 * connection is bound to that domain for good, or {@link #REPLY_REFUSED} and closes it. Any other first
 * frame is refused.
 * <pre>
 *  OP_HELLO 0xF000              u32 magic (MAGIC, "LGHC")  u16 version  u16 domid  i64 generation
 *                               u8[16] token   (the one-time token dom0 issued when it launched the domain)
 *  REPLY_WELCOME 0x0010         u16 version  u16 domid  u32 vcpus  u32 max_pages  u32 max_grant_frames
 *                               u8 state (xl list letter r b p s c d)  str name  str file (the domain's
 *                               shared-memory file, DomainFileLayout)
 *  REPLY_REFUSED 0x0011         u16 errno (EACCES wrong or used token, ESRCH no such domain,
 *                               EINVAL bad hello or version)  str reason
 * </pre>
 *
 * <h2>Requests (domain → dom0) and the reply each gets</h2>
 * <pre>
 *  EVTCHNOP_bind_interdomain 0x2000   i32 remote_dom  i32 remote_port              → VALUE (local port)
 *  EVTCHNOP_bind_virq        0x2001   i32 virq  i32 vcpu                           → VALUE (port)
 *  EVTCHNOP_close            0x2003   i32 port                                     → RC
 *  EVTCHNOP_send             0x2004   i32 port                                     → RC
 *  EVTCHNOP_status           0x2005   i32 dom (DOMID_SELF for the caller)  i32 port → EVTCHN_STATUS or RC
 *  EVTCHNOP_alloc_unbound    0x2006   i32 dom  i32 remote_dom                      → VALUE (port)
 *  EVTCHNOP_bind_ipi         0x2007   i32 vcpu                                     → VALUE (port)
 *  EVTCHNOP_bind_vcpu        0x2008   i32 port  i32 vcpu                           → RC
 *  EVTCHNOP_unmask           0x2009   i32 port                                     → RC
 *  EVTCHNOP_reset            0x200A   i32 dom                                      → RC
 *  GNTTABOP_map_grant_ref    0x1400   i32 dom  i32 ref  bool readonly              → MAPPED or GNTST
 *  GNTTABOP_unmap_grant_ref  0x1401   i32 handle                                   → GNTST
 *  GNTTABOP_copy             0x1405   copy_ptr source  copy_ptr dest  u16 len      → GNTST
 *                                     copy_ptr = bool gref  i32 ref_or_frame  i32 dom  u16 offset
 *  GNTTABOP_query_size       0x1406   —                                            → QUERY_SIZE
 *  XENMEM_decrease_reservation 0x0C01 i32 frame                                    → RC
 *  XENMEM_current_reservation  0x0C03 —                                            → VALUE (pages in use)
 *  XENMEM_populate_physmap     0x0C06 —                                            → VALUE (frame)
 *  SCHEDOP_shutdown          0x1D02   u8 reason (SHUTDOWN_*)                       → RC
 *  XEN_DOMCTL_getdomaininfo  0x2405   —                                            → DOMAIN_INFO
 * </pre>
 * Operations Xen has no hypercall for (in Xen they are guest writes to its own grant frames, ioctls of
 * Linux's gntalloc, or traffic on the XenStore ring), in the Lingon range, named after what Linux calls:
 * <pre>
 *  LINGON_xs_open                    0xF001   —                                    → VALUE (connection id)
 *  LINGON_xs_close                   0xF002   u32 conn                             → RC
 *  LINGON_xs_message                 0xF003   u32 conn  bytes xs_wire message      → XS_MESSAGE
 *  gnttab_grant_foreign_access       0xF010   i32 dom  i32 frame  bool readonly    → VALUE (ref)
 *  gnttab_grant_foreign_access_ref   0xF011   i32 ref  i32 dom  i32 frame  bool ro → VALUE (ref)
 *  gnttab_end_foreign_access_ref     0xF012   i32 ref                 → VALUE (0 ENDED, 1 STILL_MAPPED) or MISUSE
 *  gnttab_end_foreign_access         0xF013   i32 ref                 → VALUE (1 ended now, 0 deferred)
 *  gnttab_retry_deferred             0xF014   —                                    → VALUE (still deferred)
 *  gnttab_deferred_count             0xF015   —                                    → VALUE
 *  gnttab_active_mappings            0xF016   —                                    → VALUE
 *  gntalloc_set_unmap_notify         0xF017   bool via_handle  i32 handle_or_frame  i32 offset  i32 port
 *                                                                                  → VALUE (registration id)
 *  gntalloc_clear_unmap_notify       0xF018   i32 registration id                  → RC
 *  LINGON_page_query                 0xF020   i32 frame                            → RC (OK or ENOENT)
 *  LINGON_map_peer_events            0xF021   i32 port (an interdomain port of the caller)
 *                                                            → PEER_FILE, or RC (EINVAL not interdomain,
 *                                                              EBUSY while dom0 injects faults, ENODEV no file)
 * </pre>
 * {@code LINGON_map_peer_events} authorises the direct send path: the caller may map the first
 * {@code GRANT_FRAMES_PAGE} pages of its peer's file (shared info, vCPU page, port-state mirror — never
 * the peer's grant frames or memory) and raise the peer's end of its interdomain ports itself.
 * An xs_wire message is the {@link dev.lingon.xen.layout.XsWireLayout} header and payload, exactly as it
 * would sit on the XenStore ring; its {@code req_id} is the frame's.
 *
 * <h2>Replies (dom0 → domain)</h2>
 * <pre>
 *  REPLY_RC             0x0001   i32 rc (0 or −errno)  str detail
 *  REPLY_VALUE          0x0002   i32 rc  i64 value (meaningful when rc = 0)  str detail
 *  REPLY_EVTCHN_STATUS  0x0003   u8 EVTCHNSTAT_*  i32 vcpu  i32 remote_dom  i32 remote_port  i32 virq
 *  REPLY_GNTST          0x0004   i16 GNTST_* (a refused map, unmap, copy)
 *  REPLY_MAPPED         0x0005   i32 handle  i64 offset  bool readonly  str file
 *                                (the granted page is the 4096 bytes at offset of the granter's file)
 *  REPLY_QUERY_SIZE     0x0006   u32 nr_frames  u32 max_nr_frames
 *  REPLY_DOMAIN_INFO    0x0007   u8 state (xl letter)  u8 SHUTDOWN_* or 0xFF for none  str name
 *  REPLY_XS_MESSAGE     0x0008   u32 conn  bytes xs_wire message
 *  REPLY_MISUSE         0x0009   bool illegal_state (else illegal argument)  str message
 *  REPLY_FAILED         0x000A   str message  (dom0 could not carry the call out: its own fault)
 *  REPLY_PROTOCOL_ERROR 0x000B   str message  (push; dom0 closes the connection after it)
 *  REPLY_PEER_FILE      0x000C   u16 domid  i64 generation  u32 vcpus  str file   (the peer's file)
 * </pre>
 * Pushes, with {@code req_id} 0: {@link #REPLY_DOMAIN_INFO} whenever the domain's state or name
 * changes (pause, unpause, shutdown, crash, destroy, rename), {@link #REPLY_XS_MESSAGE} carrying an
 * {@code XS_WATCH_EVENT}, and {@link #REPLY_PROTOCOL_ERROR}.
 */
public final class HypercallLayout {
    public static final int HEADER_LENGTH = 12;
    public static final int LEN_OFFSET = 0;
    public static final int KIND_OFFSET = 4;
    public static final int RESERVED_OFFSET = 6;
    public static final int REQ_ID_OFFSET = 8;
    public static final int BODY_OFFSET = 12;

    /** Bytes of the header after {@code len}: kind, reserved, req_id. */
    public static final int MIN_LEN = 8;
    /** Largest {@code len}: room for an xs_wire message of XENSTORE_PAYLOAD_MAX and a path-sized string. */
    public static final int MAX_LEN = 16384;
    /** Longest {@code str} in bytes. */
    public static final int MAX_STRING = 4096;
    public static final int TOKEN_LENGTH = 16;

    /** "LGHC" read as a little-endian u32. */
    public static final int MAGIC = 'L' | 'G' << 8 | 'H' << 16 | 'C' << 24;
    public static final int VERSION = 1;

    /** A push: a frame dom0 sends unasked. */
    public static final int PUSH_REQ_ID = 0;

    // Xen hypercall numbers (xen/include/public/xen.h) in the high byte.
    static final int HYPERVISOR_memory_op = 12;
    static final int HYPERVISOR_grant_table_op = 20;
    static final int HYPERVISOR_sched_op = 29;
    static final int HYPERVISOR_event_channel_op = 32;
    static final int HYPERVISOR_domctl = 36;

    public static final int OP_EVTCHNOP_bind_interdomain = HYPERVISOR_event_channel_op << 8;
    public static final int OP_EVTCHNOP_bind_virq = HYPERVISOR_event_channel_op << 8 | 1;
    public static final int OP_EVTCHNOP_close = HYPERVISOR_event_channel_op << 8 | 3;
    public static final int OP_EVTCHNOP_send = HYPERVISOR_event_channel_op << 8 | 4;
    public static final int OP_EVTCHNOP_status = HYPERVISOR_event_channel_op << 8 | 5;
    public static final int OP_EVTCHNOP_alloc_unbound = HYPERVISOR_event_channel_op << 8 | 6;
    public static final int OP_EVTCHNOP_bind_ipi = HYPERVISOR_event_channel_op << 8 | 7;
    public static final int OP_EVTCHNOP_bind_vcpu = HYPERVISOR_event_channel_op << 8 | 8;
    public static final int OP_EVTCHNOP_unmask = HYPERVISOR_event_channel_op << 8 | 9;
    public static final int OP_EVTCHNOP_reset = HYPERVISOR_event_channel_op << 8 | 10;

    public static final int OP_GNTTABOP_map_grant_ref = HYPERVISOR_grant_table_op << 8;
    public static final int OP_GNTTABOP_unmap_grant_ref = HYPERVISOR_grant_table_op << 8 | 1;
    public static final int OP_GNTTABOP_copy = HYPERVISOR_grant_table_op << 8 | 5;
    public static final int OP_GNTTABOP_query_size = HYPERVISOR_grant_table_op << 8 | 6;

    public static final int OP_XENMEM_decrease_reservation = HYPERVISOR_memory_op << 8 | 1;
    public static final int OP_XENMEM_current_reservation = HYPERVISOR_memory_op << 8 | 3;
    public static final int OP_XENMEM_populate_physmap = HYPERVISOR_memory_op << 8 | 6;

    public static final int OP_SCHEDOP_shutdown = HYPERVISOR_sched_op << 8 | 2;

    public static final int OP_XEN_DOMCTL_getdomaininfo = HYPERVISOR_domctl << 8 | 5;

    public static final int OP_HELLO = 0xF000;
    public static final int OP_XS_OPEN = 0xF001;
    public static final int OP_XS_CLOSE = 0xF002;
    public static final int OP_XS_MESSAGE = 0xF003;
    public static final int OP_GRANT_FOREIGN_ACCESS = 0xF010;
    public static final int OP_GRANT_FOREIGN_ACCESS_REF = 0xF011;
    public static final int OP_END_FOREIGN_ACCESS_REF = 0xF012;
    public static final int OP_END_FOREIGN_ACCESS = 0xF013;
    public static final int OP_RETRY_DEFERRED = 0xF014;
    public static final int OP_DEFERRED_COUNT = 0xF015;
    public static final int OP_ACTIVE_MAPPINGS = 0xF016;
    public static final int OP_SET_UNMAP_NOTIFY = 0xF017;
    public static final int OP_CLEAR_UNMAP_NOTIFY = 0xF018;
    public static final int OP_PAGE_QUERY = 0xF020;
    public static final int OP_MAP_PEER_EVENTS = 0xF021;

    public static final int REPLY_RC = 0x0001;
    public static final int REPLY_VALUE = 0x0002;
    public static final int REPLY_EVTCHN_STATUS = 0x0003;
    public static final int REPLY_GNTST = 0x0004;
    public static final int REPLY_MAPPED = 0x0005;
    public static final int REPLY_QUERY_SIZE = 0x0006;
    public static final int REPLY_DOMAIN_INFO = 0x0007;
    public static final int REPLY_XS_MESSAGE = 0x0008;
    public static final int REPLY_MISUSE = 0x0009;
    public static final int REPLY_FAILED = 0x000A;
    public static final int REPLY_PROTOCOL_ERROR = 0x000B;
    public static final int REPLY_PEER_FILE = 0x000C;
    public static final int REPLY_WELCOME = 0x0010;
    public static final int REPLY_REFUSED = 0x0011;

    /** {@code REPLY_DOMAIN_INFO}'s shutdown-reason byte when the domain has not shut down. */
    public static final int NO_SHUTDOWN_REASON = 0xFF;

    private HypercallLayout() {
    }

    /** The Xen (or Linux) name of an operation, e.g. {@code EVTCHNOP_send}; {@code OP(0x1234)} for an unknown one. */
    public static String opName(int op) {
        return switch (op) {
            case OP_EVTCHNOP_bind_interdomain -> "EVTCHNOP_bind_interdomain";
            case OP_EVTCHNOP_bind_virq -> "EVTCHNOP_bind_virq";
            case OP_EVTCHNOP_close -> "EVTCHNOP_close";
            case OP_EVTCHNOP_send -> "EVTCHNOP_send";
            case OP_EVTCHNOP_status -> "EVTCHNOP_status";
            case OP_EVTCHNOP_alloc_unbound -> "EVTCHNOP_alloc_unbound";
            case OP_EVTCHNOP_bind_ipi -> "EVTCHNOP_bind_ipi";
            case OP_EVTCHNOP_bind_vcpu -> "EVTCHNOP_bind_vcpu";
            case OP_EVTCHNOP_unmask -> "EVTCHNOP_unmask";
            case OP_EVTCHNOP_reset -> "EVTCHNOP_reset";
            case OP_GNTTABOP_map_grant_ref -> "GNTTABOP_map_grant_ref";
            case OP_GNTTABOP_unmap_grant_ref -> "GNTTABOP_unmap_grant_ref";
            case OP_GNTTABOP_copy -> "GNTTABOP_copy";
            case OP_GNTTABOP_query_size -> "GNTTABOP_query_size";
            case OP_XENMEM_decrease_reservation -> "XENMEM_decrease_reservation";
            case OP_XENMEM_current_reservation -> "XENMEM_current_reservation";
            case OP_XENMEM_populate_physmap -> "XENMEM_populate_physmap";
            case OP_SCHEDOP_shutdown -> "SCHEDOP_shutdown";
            case OP_XEN_DOMCTL_getdomaininfo -> "XEN_DOMCTL_getdomaininfo";
            case OP_HELLO -> "LINGON_hello";
            case OP_XS_OPEN -> "LINGON_xs_open";
            case OP_XS_CLOSE -> "LINGON_xs_close";
            case OP_XS_MESSAGE -> "LINGON_xs_message";
            case OP_GRANT_FOREIGN_ACCESS -> "gnttab_grant_foreign_access";
            case OP_GRANT_FOREIGN_ACCESS_REF -> "gnttab_grant_foreign_access_ref";
            case OP_END_FOREIGN_ACCESS_REF -> "gnttab_end_foreign_access_ref";
            case OP_END_FOREIGN_ACCESS -> "gnttab_end_foreign_access";
            case OP_RETRY_DEFERRED -> "gnttab_retry_deferred";
            case OP_DEFERRED_COUNT -> "gnttab_deferred_count";
            case OP_ACTIVE_MAPPINGS -> "gnttab_active_mappings";
            case OP_SET_UNMAP_NOTIFY -> "gntalloc_set_unmap_notify";
            case OP_CLEAR_UNMAP_NOTIFY -> "gntalloc_clear_unmap_notify";
            case OP_PAGE_QUERY -> "LINGON_page_query";
            case OP_MAP_PEER_EVENTS -> "LINGON_map_peer_events";
            default -> String.format("OP(0x%04X)", op);
        };
    }

    /** The name of a reply kind, e.g. {@code REPLY_MAPPED}. */
    public static String replyName(int kind) {
        return switch (kind) {
            case REPLY_RC -> "REPLY_RC";
            case REPLY_VALUE -> "REPLY_VALUE";
            case REPLY_EVTCHN_STATUS -> "REPLY_EVTCHN_STATUS";
            case REPLY_GNTST -> "REPLY_GNTST";
            case REPLY_MAPPED -> "REPLY_MAPPED";
            case REPLY_QUERY_SIZE -> "REPLY_QUERY_SIZE";
            case REPLY_DOMAIN_INFO -> "REPLY_DOMAIN_INFO";
            case REPLY_XS_MESSAGE -> "REPLY_XS_MESSAGE";
            case REPLY_MISUSE -> "REPLY_MISUSE";
            case REPLY_FAILED -> "REPLY_FAILED";
            case REPLY_PROTOCOL_ERROR -> "REPLY_PROTOCOL_ERROR";
            case REPLY_PEER_FILE -> "REPLY_PEER_FILE";
            case REPLY_WELCOME -> "REPLY_WELCOME";
            case REPLY_REFUSED -> "REPLY_REFUSED";
            default -> String.format("REPLY(0x%04X)", kind);
        };
    }
}
