package dev.lingon.xen.layout;

/**
 * The libxenvchan shared page ({@code struct vchan_interface}, {@code xen/include/public/io/libxenvchan.h}):
 * two byte rings between a server and a client, with their indexes, sizes, liveness and
 * notification-request bits in the first bytes of one granted page.
 *
 * <pre>
 *  offset
 *  0     u32  left.cons    ┐ left ring: client → server (the server reads it)
 *  4     u32  left.prod    ┘
 *  8     u32  right.cons   ┐ right ring: server → client (the client reads it)
 *  12    u32  right.prod   ┘
 *  16    u16  left_order   ring size = 2^order bytes
 *  18    u16  right_order
 *  20    u8   cli_live     0 exited, 1 connected, 2 client not yet connected
 *  21    u8   srv_live     0 exited, 1 connected
 *  22    u8   cli_notify   bits the client must notify on (set by the server): NOTIFY_WRITE 1, NOTIFY_READ 2
 *  23    u8   srv_notify   bits the server must notify on (set by the client)
 *  24    u32  grants[]     refs of the out-of-page ring pages: left's first, then right's
 *  1024  ring of order 10 (1 KiB) when one ring is that small
 *  2048  ring of order 11 (2 KiB) when one ring is that small
 * </pre>
 *
 * Indexes are free-running u32 counters; the byte at index i is at {@code i & (size - 1)}. The writer
 * fills bytes, then publishes prod (store after the data: release); the reader reads prod (acquire),
 * copies bytes, then publishes cons. The four bytes at 20..23 are changed with atomic operations on
 * the aligned 32-bit word that holds them (little-endian: cli_live is bits 0-7 … srv_notify bits 24-31),
 * which on x86 is atomic with respect to libxenvchan's byte-wide {@code __sync} operations.
 */
public final class VchanLayout {
    public static final int PAGE_SIZE = 4096;

    public static final int LEFT_CONS_OFFSET = 0;
    public static final int LEFT_PROD_OFFSET = 4;
    public static final int RIGHT_CONS_OFFSET = 8;
    public static final int RIGHT_PROD_OFFSET = 12;
    public static final int LEFT_ORDER_OFFSET = 16;
    public static final int RIGHT_ORDER_OFFSET = 18;
    public static final int CLI_LIVE_OFFSET = 20;
    public static final int SRV_LIVE_OFFSET = 21;
    public static final int CLI_NOTIFY_OFFSET = 22;
    public static final int SRV_NOTIFY_OFFSET = 23;
    /** The aligned 32-bit word holding cli_live, srv_live, cli_notify, srv_notify. */
    public static final int FLAGS_WORD_OFFSET = 20;
    public static final int GRANTS_OFFSET = 24;

    public static final int SMALL_RING_SHIFT = 10;
    public static final int LARGE_RING_SHIFT = 11;
    public static final int SMALL_RING_OFFSET = 1024;
    public static final int LARGE_RING_OFFSET = 2048;
    public static final int MAX_SMALL_RING = 1 << SMALL_RING_SHIFT;
    public static final int MAX_LARGE_RING = 1 << LARGE_RING_SHIFT;
    public static final int PAGE_SHIFT = 12;
    /** libxenvchan's maximum ring order: 1 MiB. */
    public static final int MAX_RING_SHIFT = 20;
    public static final int MAX_RING_SIZE = 1 << MAX_RING_SHIFT;

    public static final int VCHAN_NOTIFY_WRITE = 1;
    public static final int VCHAN_NOTIFY_READ = 2;

    public static final int LIVE_EXITED = 0;
    public static final int LIVE_CONNECTED = 1;
    public static final int LIVE_CLIENT_NOT_YET_CONNECTED = 2;

    /** Shift of a byte inside the flags word. */
    public static int shiftInFlagsWord(int byteOffset) {
        return (byteOffset - FLAGS_WORD_OFFSET) * 8;
    }

    /** Offset of grants[i]. */
    public static long grantOffset(int i) {
        return GRANTS_OFFSET + 4L * i;
    }

    /** The most grant refs the page can list when neither in-page slot is in use. */
    public static final int MAX_GRANTS = (PAGE_SIZE - GRANTS_OFFSET) / 4;

    private VchanLayout() {
    }
}
