package dev.lingon.xen.internal;

/**
 * The hypervisor-private state of one event-channel port ({@code struct evtchn} in Xen). Immutable:
 * a port's state changes by replacing its binding under the hypervisor's event lock, so the send path
 * can read it without a lock. {@code vcpu} is the port's {@code notify_vcpu_id}.
 */
sealed interface Binding {

    int vcpu();

    /** ECS_FREE. */
    record Free() implements Binding {
        static final Free INSTANCE = new Free();

        @Override
        public int vcpu() {
            return 0;
        }
    }

    /** ECS_RESERVED: port 0. */
    record Reserved() implements Binding {
        static final Reserved INSTANCE = new Reserved();

        @Override
        public int vcpu() {
            return 0;
        }
    }

    /** ECS_UNBOUND: waiting for {@code remoteDomid} to bind. */
    record Unbound(int remoteDomid, int vcpu) implements Binding {
    }

    /** ECS_INTERDOMAIN: connected to {@code remotePort} of {@code remote}. */
    record Interdomain(InProcessDomain remote, int remotePort, int vcpu) implements Binding {
    }

    /** ECS_VIRQ. */
    record Virq(int virq, int vcpu) implements Binding {
    }

    /** ECS_IPI. */
    record Ipi(int vcpu) implements Binding {
    }
}
