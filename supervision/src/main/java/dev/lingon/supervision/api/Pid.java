package dev.lingon.supervision.api;

import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A process identifier: the handle of one process (one Pekko actor run by the process runtime).
 *
 * <p>Pids are compared by identity. A Pid stays valid after its process exited; it then reports the exit
 * reason, the way a dead pid in Erlang still names the process in {@code 'EXIT'} and {@code 'DOWN'}
 * messages. Only the runtime creates Pids ({@link Processes}, {@link ProcessContext#spawn},
 * {@link ProcessContext#spawnLink}); they are local to one JVM.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public interface Pid {

    /** The process's actor name (unique among its Pekko siblings). */
    String name();

    /**
     * The actor to send the process messages. The caller asserts the process's protocol: the actor accepts
     * any message and hands those it does not recognise to the process's behaviour.
     */
    <T> ActorRef<T> ref();

    /**
     * False once the process has decided to exit. The reason is recorded before Pekko stops the actor, so
     * once Pekko delivers {@code Terminated} for {@link #ref()} this is false and {@link #exitReason()} is
     * present.
     */
    boolean isAlive();

    /** The reason the process exited with; empty while it runs. */
    Optional<ExitReason> exitReason();
}
