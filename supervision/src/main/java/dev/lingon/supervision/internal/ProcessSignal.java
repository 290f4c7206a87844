package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.MonitorRef;
import java.util.function.Function;

/**
 * The messages the process runtime sends between processes (and to a process itself). They are handled by
 * the {@link ProcessCell} and never reach the process's behaviour.
 */
sealed interface ProcessSignal {

    /** The other side of {@code link/1}: {@code from} linked to the receiver. */
    record Link(ProcessHandle from) implements ProcessSignal {
    }

    /** The other side of {@code unlink/1}. */
    record Unlink(ProcessHandle from) implements ProcessSignal {
    }

    /** An explicit exit signal, {@code exit(Receiver, Reason)} sent by {@code from}. */
    record Exit(ProcessHandle from, ExitReason reason) implements ProcessSignal {
    }

    /**
     * A message for the behaviour produced from a signal (an {@code 'EXIT'} of a link, a {@code 'DOWN'}),
     * queued behind the messages that were already in the mailbox. A {@code Down} carries its monitor,
     * whose adapter converts it on delivery and which must still be active; an {@code 'EXIT'} carries the
     * trap adapter in force when the signal arrived.
     */
    record Deliver(Object payload, Function<Object, ?> adapter, MonitorRef monitor) implements ProcessSignal {
    }
}
