package dev.lingon.supervision.api;

import dev.lingon.supervision.internal.SupervisorServer;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * Starting supervisors. A supervisor is a process; {@link #init(SupervisorSpec)} is its init, so it can be
 * a child of another supervisor ({@link ChildSpec#supervisor}), be spawned by any process, or be started
 * at the top of a tree with {@link #start}. Talk to a running one with {@link SupervisorRef} or the
 * {@link SupervisorCall} protocol.
 *
 * <p>Stateless and thread-safe.
 */
public final class Supervisor {

    private Supervisor() {
    }

    /** The init of a supervisor process: {@code supervisor:init/1} with this spec. */
    public static ProcessInit<Object> init(SupervisorSpec spec) {
        return SupervisorServer.init(spec);
    }

    /**
     * {@code supervisor:start_link}: starts a top-level supervisor and completes when all its children
     * started ({@code {ok, Pid}}), or when it gave up ({@code {error, {shutdown, {failed_to_start_child, Id,
     * Reason}}}}).
     */
    public static CompletionStage<StartResult> start(ActorSystem<?> system, String name, SupervisorSpec spec) {
        return Processes.start(system, name, init(spec));
    }

    /** {@link #start(ActorSystem, String, SupervisorSpec)} as a Pekko child of a plain actor. */
    public static CompletionStage<StartResult> start(ActorContext<?> parent, String name, SupervisorSpec spec) {
        return Processes.start(parent, name, init(spec));
    }

    /** A client for the supervisor {@code pid}. */
    public static SupervisorRef ref(ActorSystem<?> system, Pid pid) {
        return new SupervisorRef(system, pid, SupervisorRef.DEFAULT_TIMEOUT);
    }
}
