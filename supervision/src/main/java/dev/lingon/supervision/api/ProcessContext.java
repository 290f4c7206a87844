package dev.lingon.supervision.api;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a process can do to itself and to other processes: Erlang's process built-ins (links, monitors,
 * {@code trap_exit}, {@code exit/2}, spawning) for one process.
 *
 * <p>Owned by the process's actor: call it only from the process's own init and message handlers, never
 * from another thread or a future callback (like Pekko's {@link ActorContext}).
 *
 * <p>Do not {@code watch}/{@code unwatch} through {@link #actor()} a Pid that this process also links to or
 * monitors: links and monitors are built on Pekko death watch, and Pekko keeps one watch per pair.
 *
 * @param <T> the process's message protocol
 */
public interface ProcessContext<T> {

    /** This process. */
    Pid self();

    /** The process that spawned this one, if it was spawned by a process. */
    Optional<Pid> parent();

    /** The underlying Pekko context (for logging, timers, plain Pekko children). */
    ActorContext<T> actor();

    /** The monotonic clock of this process's actor system (injectable for tests, see {@link ClockSetup}). */
    MonotonicClock clock();

    /**
     * {@code process_flag(trap_exit, true)}: from now on exit signals (except an explicit {@code kill})
     * arrive as {@link ExitMessage}s, converted to this process's protocol by {@code asMessage}.
     */
    void trapExits(Function<ExitMessage, ? extends T> asMessage);

    /** {@code process_flag(trap_exit, false)}. Exit messages already queued stay queued. */
    void stopTrappingExits();

    boolean isTrappingExits();

    /**
     * {@code link(Pid)}: a two-way link. Linking to oneself or to an already linked process does nothing.
     * If the target is gone: a trapping caller receives {@code {'EXIT', Pid, noproc}}, a non-trapping one
     * gets {@link NoProcException}.
     */
    void link(Pid other);

    /**
     * {@code unlink(Pid)}: removes the link in both directions. An {@code 'EXIT'} message from the link that
     * was already queued before the call stays queued (as in Erlang).
     */
    void unlink(Pid other);

    /** The processes this one is linked to, in the order the links were made. */
    Set<Pid> links();

    /**
     * {@code monitor(process, Pid)}: a one-way monitor that delivers exactly one {@link Down}, converted by
     * {@code asMessage}; its reason is {@code noproc} when the target was already gone.
     */
    MonitorRef monitor(Pid target, Function<Down, ? extends T> asMessage);

    /**
     * {@code demonitor(Ref, [flush])}: after this returns no {@code Down} of this monitor is delivered, not
     * even one already on its way. Answers whether the monitor was still active.
     */
    boolean demonitor(MonitorRef ref);

    /**
     * {@code exit(Pid, Reason)}: sends an exit signal. {@code kill} ends the target with {@code killed}
     * whatever it does; {@code normal} is ignored by a non-trapping target other than this process itself;
     * any other reason ends a non-trapping target with that reason; a trapping target gets an
     * {@link ExitMessage}. A signal to a process that is gone is dropped.
     */
    void exit(Pid target, ExitReason reason);

    /** {@code spawn}: starts a process as a Pekko child of this one, not linked. */
    <U> Pid spawn(String name, ProcessInit<U> init);

    /** {@code spawn_link}: starts a process as a Pekko child of this one, linked to it atomically. */
    <U> Pid spawnLink(String name, ProcessInit<U> init);
}
