package dev.lingon.xen.layout;

/**
 * The shared-info page of a domain ({@code struct shared_info}, {@code xen/include/public/xen.h},
 * x86_64 layout): one 4096-byte page that the hypervisor and the guest both write, holding the
 * 2-level event-channel bitmaps and each vCPU's upcall flags.
 *
 * <pre>
 *  offset  size
 *  0x000   2048  vcpu_info[XEN_LEGACY_MAX_VCPUS = 32], 64 bytes each:
 *                  +0   u8   evtchn_upcall_pending   set by Xen when a selector bit becomes set
 *                  +1   u8   evtchn_upcall_mask      set by the guest to hold off upcalls
 *                  +2   u8   pad[6]
 *                  +8   u64  evtchn_pending_sel      bit i: word i of evtchn_pending may have bits
 *                  +16  16   arch_vcpu_info          (cr2, pad) — unused here
 *                  +32  32   vcpu_time_info          — unused here
 *  0x800   512   u64 evtchn_pending[64]              one bit per port, 4096 ports
 *  0xA00   512   u64 evtchn_mask[64]                 one bit per port, owned by the guest
 *  0xC00   4     u32 wc_version
 *  0xC04   4     u32 wc_sec
 *  0xC08   4     u32 wc_nsec
 *  0xC0C   4     u32 wc_sec_hi
 *  0xC10   …     arch_shared_info                    — unused here
 * </pre>
 *
 * All multi-byte fields are in the host's byte order (little-endian on x86_64, as Xen's ABI).
 * Bits are numbered as Xen's {@code test_and_set_bit}: port p is bit {@code p % 64} of word {@code p / 64}.
 * The bitmaps and the selector are only changed with atomic read-modify-write on their 64-bit words;
 * the upcall bytes are changed with atomic operations on the aligned 64-bit word at the start of
 * {@code vcpu_info} that contains them (x86 lets byte and word atomics mix on the same cache line).
 */
public final class SharedInfoLayout {
    public static final int PAGE_SIZE = 4096;

    public static final int XEN_LEGACY_MAX_VCPUS = 32;
    public static final int VCPU_INFO_SIZE = 64;
    public static final int VCPU_INFO_OFFSET = 0;
    public static final int VCPU_UPCALL_PENDING_OFFSET = 0;
    public static final int VCPU_UPCALL_MASK_OFFSET = 1;
    public static final int VCPU_PENDING_SEL_OFFSET = 8;

    /** Bits per event-channel word on a 64-bit guest ({@code BITS_PER_EVTCHN_WORD}). */
    public static final int BITS_PER_WORD = 64;
    /** Words in each bitmap; 64 × 64 = 4096 ports ({@code EVTCHN_2L_NR_CHANNELS}). */
    public static final int WORDS = 64;
    public static final int NR_CHANNELS = BITS_PER_WORD * WORDS;

    public static final int EVTCHN_PENDING_OFFSET = 0x800;
    public static final int EVTCHN_MASK_OFFSET = 0xA00;

    public static final int WC_VERSION_OFFSET = 0xC00;
    public static final int WC_SEC_OFFSET = 0xC04;
    public static final int WC_NSEC_OFFSET = 0xC08;
    public static final int WC_SEC_HI_OFFSET = 0xC0C;

    private SharedInfoLayout() {
    }

    /** Offset of {@code vcpu_info[vcpu]}. */
    public static long vcpuInfoOffset(int vcpu) {
        return VCPU_INFO_OFFSET + (long) vcpu * VCPU_INFO_SIZE;
    }

    /** Offset of the 64-bit word at the start of {@code vcpu_info[vcpu]} holding upcall_pending (byte 0) and upcall_mask (byte 1). */
    public static long vcpuFlagsWordOffset(int vcpu) {
        return vcpuInfoOffset(vcpu);
    }

    public static long pendingSelOffset(int vcpu) {
        return vcpuInfoOffset(vcpu) + VCPU_PENDING_SEL_OFFSET;
    }

    public static long pendingWordOffset(int word) {
        return EVTCHN_PENDING_OFFSET + (long) word * Long.BYTES;
    }

    public static long maskWordOffset(int word) {
        return EVTCHN_MASK_OFFSET + (long) word * Long.BYTES;
    }

    public static int wordOf(int port) {
        return port >>> 6;
    }

    public static long bitOf(int port) {
        return 1L << (port & 63);
    }

    /** upcall_pending as a bit of the little-endian flags word: byte 0. */
    public static final long UPCALL_PENDING_BIT = 1L;
    /** upcall_mask as a bit of the little-endian flags word: byte 1. */
    public static final long UPCALL_MASK_BIT = 1L << 8;
}
