package dev.lingon.xen.api;

/**
 * Virtual IRQ numbers ({@code VIRQ_*} in {@code xen/include/public/xen.h}). Per-vCPU VIRQs (timer,
 * debug, xenoprof, xenpmu) may bind on any vCPU; every other VIRQ is global and binds only on vCPU 0.
 */
public final class Virq {
    public static final int VIRQ_TIMER = 0;
    public static final int VIRQ_DEBUG = 1;
    public static final int VIRQ_CONSOLE = 2;
    /** Raised in dom0 when a domain shuts down, crashes or is destroyed. */
    public static final int VIRQ_DOM_EXC = 3;
    public static final int VIRQ_TBUF = 4;
    public static final int VIRQ_DEBUGGER = 6;
    public static final int VIRQ_XENOPROF = 7;
    public static final int VIRQ_CON_RING = 8;
    public static final int VIRQ_PCPU_STATE = 9;
    public static final int VIRQ_MEM_EVENT = 10;
    public static final int VIRQ_ARGO = 11;
    public static final int VIRQ_ENOMEM = 12;
    public static final int VIRQ_XENPMU = 13;
    public static final int NR_VIRQS = 24;

    private Virq() {
    }

    /** {@code virq_is_global}: everything but the per-vCPU ones. */
    public static boolean isGlobal(int virq) {
        return switch (virq) {
            case VIRQ_TIMER, VIRQ_DEBUG, VIRQ_XENOPROF, VIRQ_XENPMU -> false;
            default -> true;
        };
    }
}
