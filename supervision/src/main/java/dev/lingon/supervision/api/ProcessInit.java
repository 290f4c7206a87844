package dev.lingon.supervision.api;

import org.apache.pekko.actor.typed.Behavior;

/**
 * A process's init: runs inside the new process, before it handles any message, and returns the behaviour
 * that handles its messages. The process is "started" (its supervisor's {@code start_link} returns) when init
 * returns. Init may throw to fail the start: {@link Processes#exit(ExitReason)} fails it with that reason,
 * any other exception with {@code error(cause)}; {@link Processes#ignore()} answers {@code ignore}.
 */
@FunctionalInterface
public interface ProcessInit<T> {
    Behavior<T> init(ProcessContext<T> process) throws Exception;
}
