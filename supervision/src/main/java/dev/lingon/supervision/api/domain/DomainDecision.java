package dev.lingon.supervision.api.domain;

import dev.lingon.supervision.api.IntensityWindow;
import java.util.Objects;

/**
 * What the toolstack must do with a domain that shut down, and the restart window to keep for the
 * domain's next shutdown.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface DomainDecision {

    DomainShutdownReason reason();

    /** The window to pass to the next decision for this domain. */
    IntensityWindow window();

    /** Carry out {@code action}. */
    record Apply(DomainShutdownReason reason, DomainAction action, IntensityWindow window) implements DomainDecision {
        public Apply {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(window, "window");
        }
    }

    /**
     * The domain restarted too often: do not carry out {@code refused}; leave the domain in its shutdown
     * state (as {@code preserve} would, for examination) and report it. The window holds the restarts that
     * tipped it over.
     */
    record LeaveCrashed(DomainShutdownReason reason, DomainAction refused, IntensityWindow window)
            implements DomainDecision {
        public LeaveCrashed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(refused, "refused");
            Objects.requireNonNull(window, "window");
        }

        /** The refused action would have written a core dump; the toolstack may still write it. */
        public boolean dumpsCore() {
            return refused.dumpsCore();
        }
    }

    /** Suspend: Xen has no action for it; the domain waits to be saved or resumed. */
    record Suspended(IntensityWindow window) implements DomainDecision {
        public Suspended {
            Objects.requireNonNull(window, "window");
        }

        @Override
        public DomainShutdownReason reason() {
            return DomainShutdownReason.SUSPEND;
        }
    }
}
