package dev.lingon.xen.api;

/**
 * What {@code EVTCHNOP_status} answers for a port. {@code remoteDomid} is the domain an unbound port
 * is reserved for, or the peer of an interdomain port; {@code remotePort} is the peer port of an
 * interdomain port; {@code virq} the VIRQ of a virq port. Fields that do not apply are -1.
 */
public record EvtchnStatus(EvtchnState state, int vcpu, int remoteDomid, int remotePort, int virq) {

    public static EvtchnStatus closed() {
        return new EvtchnStatus(EvtchnState.CLOSED, 0, -1, -1, -1);
    }
}
