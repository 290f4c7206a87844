package dev.lingon.xen.layout;

/**
 * A domain's console page ({@code struct xencons_interface}, {@code xen/include/public/io/console.h}):
 * two byte rings in one page, shared between the guest and dom0's console daemon. The guest writes
 * {@code out} and reads {@code in}. The toolstack finds the page through the reserved grant ref
 * {@code GNTTAB_RESERVED_CONSOLE} (0) and the event channel through {@code console/port} in XenStore.
 *
 * <pre>
 *  offset  size
 *  0       1024  char in[1024]      dom0 → guest
 *  1024    2048  char out[2048]     guest → dom0
 *  3072    4     u32 in_cons
 *  3076    4     u32 in_prod
 *  3080    4     u32 out_cons
 *  3084    4     u32 out_prod
 * </pre>
 *
 * Indexes are free-running; byte i of a ring is at {@code i & (size - 1)}. The producer writes bytes,
 * then (after a write barrier) the producer index; the consumer reads the producer index, then (after
 * a read barrier) the bytes, then advances the consumer index — {@code MASK_XENCONS_IDX} arithmetic.
 */
public final class ConsoleLayout {
    public static final int IN_OFFSET = 0;
    public static final int IN_SIZE = 1024;
    public static final int OUT_OFFSET = 1024;
    public static final int OUT_SIZE = 2048;
    public static final int IN_CONS_OFFSET = 3072;
    public static final int IN_PROD_OFFSET = 3076;
    public static final int OUT_CONS_OFFSET = 3080;
    public static final int OUT_PROD_OFFSET = 3084;

    private ConsoleLayout() {
    }
}
