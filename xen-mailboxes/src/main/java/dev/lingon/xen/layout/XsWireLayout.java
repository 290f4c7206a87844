package dev.lingon.xen.layout;

/**
 * The XenStore wire message ({@code struct xsd_sockmsg} and {@code enum xsd_sockmsg_type},
 * {@code xen/include/public/io/xs_wire.h}; payload rules in {@code docs/misc/xenstore.txt}).
 * Every message in either direction is this 16-byte header followed by {@code len} payload bytes.
 *
 * <pre>
 *  header (16 bytes), then the payload
 *   +0   u32 type     XS_* below; a reply repeats the request's type, or is XS_ERROR
 *   +4   u32 req_id   chosen by the client, echoed in the reply (0 in XS_WATCH_EVENT)
 *   +8   u32 tx_id    transaction the request runs in, 0 (XBT_NULL) for none; echoed
 *   +12  u32 len      payload length, at most XENSTORE_PAYLOAD_MAX (4096)
 *   +16  payload      mostly NUL-terminated strings: "path\0", "path\0token\0",
 *                     "path\0value" (WRITE: the value is raw, not terminated), "OK\0",
 *                     "EACCES\0" (XS_ERROR carries the errno's name, not its number)
 * </pre>
 *
 * The header is in the guest's native byte order; Xen's x86 and Arm guests are little-endian, and
 * so is this layout. A daemon that reads {@code len > XENSTORE_PAYLOAD_MAX} cannot resynchronise the
 * stream, so C xenstored drops the connection ({@code handle_input}, {@code XENSTORE_ERROR_PROTO});
 * libxenstore refuses to send such a request ({@code xs_talkv}: {@code E2BIG}).
 */
public final class XsWireLayout {
    public static final int HEADER_LENGTH = 16;
    public static final int TYPE_OFFSET = 0;
    public static final int REQ_ID_OFFSET = 4;
    public static final int TX_ID_OFFSET = 8;
    public static final int LEN_OFFSET = 12;
    public static final int PAYLOAD_OFFSET = HEADER_LENGTH;

    /** Largest payload either side may send. */
    public static final int XENSTORE_PAYLOAD_MAX = 4096;
    /** Longest absolute path clients should use (xenstored itself does not check it). */
    public static final int XENSTORE_ABS_PATH_MAX = 3072;
    /** Longest path after {@code /local/domain/<domid>/} an unprivileged domain may use (else EINVAL). */
    public static final int XENSTORE_REL_PATH_MAX = 2048;

    /** Transaction id meaning "no transaction". */
    public static final int XBT_NULL = 0;

    /** {@code XS_CONTROL}; before Xen 4.9 named {@code XS_DEBUG}, still defined as an alias. */
    public static final int XS_CONTROL = 0;
    public static final int XS_DEBUG = XS_CONTROL;
    public static final int XS_DIRECTORY = 1;
    public static final int XS_READ = 2;
    public static final int XS_GET_PERMS = 3;
    public static final int XS_WATCH = 4;
    public static final int XS_UNWATCH = 5;
    public static final int XS_TRANSACTION_START = 6;
    public static final int XS_TRANSACTION_END = 7;
    public static final int XS_INTRODUCE = 8;
    public static final int XS_RELEASE = 9;
    public static final int XS_GET_DOMAIN_PATH = 10;
    public static final int XS_WRITE = 11;
    public static final int XS_MKDIR = 12;
    public static final int XS_RM = 13;
    public static final int XS_SET_PERMS = 14;
    public static final int XS_WATCH_EVENT = 15;
    public static final int XS_ERROR = 16;
    public static final int XS_IS_DOMAIN_INTRODUCED = 17;
    public static final int XS_RESUME = 18;
    public static final int XS_SET_TARGET = 19;
    /** 20 was {@code XS_RESTRICT}, removed in Xen 4.9; the number stays unused so later types keep theirs. */
    public static final int XS_RESET_WATCHES = XS_SET_TARGET + 2;
    public static final int XS_DIRECTORY_PART = 22;
    /** The feature and quota commands, specified in xenstore.txt and added to xs_wire.h in 2025. */
    public static final int XS_GET_FEATURE = 23;
    public static final int XS_SET_FEATURE = 24;
    public static final int XS_GET_QUOTA = 25;
    public static final int XS_SET_QUOTA = 26;
    /** Number of type values (including the unused 20). */
    public static final int XS_TYPE_COUNT = 27;
    /** Guaranteed to remain an invalid type. */
    public static final int XS_INVALID = 0xFFFF;

    private static final String[] TYPE_NAMES = {
        "XS_CONTROL", "XS_DIRECTORY", "XS_READ", "XS_GET_PERMS", "XS_WATCH", "XS_UNWATCH",
        "XS_TRANSACTION_START", "XS_TRANSACTION_END", "XS_INTRODUCE", "XS_RELEASE", "XS_GET_DOMAIN_PATH",
        "XS_WRITE", "XS_MKDIR", "XS_RM", "XS_SET_PERMS", "XS_WATCH_EVENT", "XS_ERROR",
        "XS_IS_DOMAIN_INTRODUCED", "XS_RESUME", "XS_SET_TARGET", null, "XS_RESET_WATCHES",
        "XS_DIRECTORY_PART", "XS_GET_FEATURE", "XS_SET_FEATURE", "XS_GET_QUOTA", "XS_SET_QUOTA",
    };

    private XsWireLayout() {
    }

    /** True for a type number xs_wire.h defines (so not 20, and nothing at or above XS_TYPE_COUNT). */
    public static boolean isKnownType(int type) {
        return type >= 0 && type < XS_TYPE_COUNT && TYPE_NAMES[type] != null;
    }

    /** The xs_wire.h name of a type, e.g. {@code XS_READ}; {@code XS_UNKNOWN(<n>)} for any other number. */
    public static String typeName(int type) {
        return isKnownType(type) ? TYPE_NAMES[type] : "XS_UNKNOWN(" + Integer.toUnsignedString(type) + ")";
    }
}
