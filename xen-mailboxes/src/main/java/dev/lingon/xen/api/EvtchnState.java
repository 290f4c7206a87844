package dev.lingon.xen.api;

/** Event-channel port states as {@code EVTCHNOP_status} reports them ({@code EVTCHNSTAT_*}). */
public enum EvtchnState {
    /** Free or reserved (port 0). */
    CLOSED(0),
    /** Allocated and waiting for one named remote domain to bind. */
    UNBOUND(1),
    /** Connected to a port of a remote domain (or of the same domain). */
    INTERDOMAIN(2),
    /** Bound to a physical IRQ; never produced by Lingon, kept so the numbering matches Xen. */
    PIRQ(3),
    /** Bound to a virtual IRQ the hypervisor raises. */
    VIRQ(4),
    /** An inter-processor interrupt within the domain. */
    IPI(5);

    private final int value;

    EvtchnState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
