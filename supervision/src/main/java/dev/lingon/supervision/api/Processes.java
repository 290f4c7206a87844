package dev.lingon.supervision.api;

import dev.lingon.supervision.internal.InitIgnored;
import dev.lingon.supervision.internal.ProcessHandle;
import dev.lingon.supervision.internal.ProcessRuntime;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Starting processes from outside any process, and the two ways out of a process's code that Erlang spells
 * {@code exit/1} and {@code ignore}. Inside a process use its {@link ProcessContext}.
 *
 * <p>Stateless and thread-safe; {@code spawn(ActorContext, …)} must be called on that actor's thread.
 */
public final class Processes {

    private Processes() {
    }

    /** Spawns a top-level process under the actor system's {@code /system} guardian. */
    public static <T> Pid spawn(ActorSystem<?> system, String name, ProcessInit<T> init) {
        Objects.requireNonNull(system, "system");
        return ProcessRuntime.spawn(name, init, behavior -> system.systemActorOf(behavior, name, Props.empty()));
    }

    /** Spawns a process as a Pekko child of a plain (non-process) actor. */
    public static <T> Pid spawn(ActorContext<?> parent, String name, ProcessInit<T> init) {
        Objects.requireNonNull(parent, "parent");
        return ProcessRuntime.spawn(name, init, behavior -> parent.spawn(behavior, name));
    }

    /**
     * {@code proc_lib:start}: spawns a top-level process and completes when its init returned ({@code {ok,
     * Pid}}), answered ignore, or failed or exited first ({@code {error, Reason}}).
     */
    public static <T> CompletionStage<StartResult> start(ActorSystem<?> system, String name, ProcessInit<T> init) {
        return ProcessHandle.of(spawn(system, name, init)).initFuture();
    }

    /** {@link #start(ActorSystem, String, ProcessInit)} as a Pekko child of a plain actor. */
    public static <T> CompletionStage<StartResult> start(ActorContext<?> parent, String name, ProcessInit<T> init) {
        return ProcessHandle.of(spawn(parent, name, init)).initFuture();
    }

    /**
     * {@code exit(Reason)}: ends the calling process with {@code reason}; in init, fails the start with it.
     * Never returns: use as {@code return Processes.exit(reason);}.
     */
    public static <T> Behavior<T> exit(ExitReason reason) {
        throw new ProcessExit(reason);
    }

    /** Init answers {@code ignore}: the start returns ignore and the process ends normally. Only in init. */
    public static <T> Behavior<T> ignore() {
        throw new InitIgnored();
    }

    /**
     * {@code exit(Pid, Reason)} sent from outside any process (a test, a toolstack); the receiver sees it as
     * coming from {@link #external()}.
     */
    public static void sendExit(Pid target, ExitReason reason) {
        ProcessRuntime.sendExit(target, reason);
    }

    /** The pseudo-process that exit signals from outside any process come from; never alive. */
    public static Pid external() {
        return ProcessRuntime.external();
    }
}
