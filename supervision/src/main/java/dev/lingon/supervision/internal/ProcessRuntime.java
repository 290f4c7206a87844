package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.ProcessInit;
import java.util.Objects;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/** Entry points of the process runtime for callers that are not processes. Stateless and thread-safe. */
public final class ProcessRuntime {

    private ProcessRuntime() {
    }

    /** Spawns a top-level process (no parent, no links) through {@code spawner}. */
    public static <T> ProcessHandle spawn(String name, ProcessInit<T> init,
                                          Function<Behavior<Object>, ActorRef<Object>> spawner) {
        Objects.requireNonNull(name, "name");
        ProcessHandle handle = new ProcessHandle(name);
        handle.bind(spawner.apply(ProcessCell.behavior(handle, null, init, false)));
        return handle;
    }

    /** The sender of exit signals sent from outside any process. */
    public static Pid external() {
        return ProcessHandle.EXTERNAL;
    }

    /** {@code exit(Target, Reason)} sent from outside any process. */
    public static void sendExit(Pid target, ExitReason reason) {
        Objects.requireNonNull(reason, "reason");
        ProcessHandle pid = ProcessHandle.of(target);
        if (pid.isAlive()) {
            pid.actor().tell(new ProcessSignal.Exit(ProcessHandle.EXTERNAL, reason));
        }
    }
}
