package dev.lingon.supervision.testkit;

import dev.lingon.supervision.api.Down;
import dev.lingon.supervision.api.ExitMessage;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.MonitorRef;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.ProcessContext;
import dev.lingon.supervision.api.ProcessInit;
import dev.lingon.supervision.api.Processes;
import java.time.Duration;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A process the link and monitor tests drive by commands: it performs process built-ins on request and
 * forwards every {@code 'EXIT'} and {@code 'DOWN'} message it receives to an observer as {@link Got}.
 */
public final class Agent {

    private Agent() {
    }

    /** A message the agent received, forwarded to the observer. */
    public record Got(Pid agent, Object message) {
    }

    /** A command; the agent answers each on {@code replyTo} ("ok" or the built-in's result). */
    public sealed interface Cmd {
        ActorRef<Object> replyTo();
    }

    public record Link(Pid other, ActorRef<Object> replyTo) implements Cmd {
    }

    public record Unlink(Pid other, ActorRef<Object> replyTo) implements Cmd {
    }

    public record Monitor(Pid other, ActorRef<Object> replyTo) implements Cmd {
    }

    public record Demonitor(MonitorRef ref, ActorRef<Object> replyTo) implements Cmd {
    }

    /** Monitors and demonitors in one handler; answers demonitor's result. */
    public record MonitorThenDemonitor(Pid other, ActorRef<Object> replyTo) implements Cmd {
    }

    public record TrapExits(boolean on, ActorRef<Object> replyTo) implements Cmd {
    }

    public record SendExit(Pid target, ExitReason reason, ActorRef<Object> replyTo) implements Cmd {
    }

    public record SpawnLink(String name, ActorRef<Object> replyTo) implements Cmd {
    }

    /** spawn_link of an arbitrary process (e.g. a supervisor); answers its pid. */
    public record SpawnLinkWith(String name, ProcessInit<?> init, ActorRef<Object> replyTo) implements Cmd {
    }

    public record Links(ActorRef<Object> replyTo) implements Cmd {
    }

    public record Ping(ActorRef<Object> replyTo) implements Cmd {
    }

    /**
     * Tells the observer {@code Got(agent, "sync")}: it arrives after everything the agent forwarded
     * before, since one sender's messages to one receiver keep their order.
     */
    public record Sync(ActorRef<Object> replyTo) implements Cmd {
    }

    /** Fire and forget: end with this reason ({@code exit/1}). */
    public record Exit(ExitReason reason) {
    }

    /** Fire and forget: throw. */
    public record Crash(RuntimeException error) {
    }

    /** Fire and forget: return {@code Behaviors.stopped()}. */
    public record Stop() {
    }

    public static ProcessInit<Object> init(ActorRef<Got> observer) {
        return proc -> behavior(proc, observer);
    }

    /** Spawns a top-level agent. */
    public static Pid spawn(ActorSystem<?> system, String name, ActorRef<Got> observer) {
        return Processes.spawn(system, name, init(observer));
    }

    /** Asks an agent and waits for the answer; a failed built-in answers its exception. */
    public static Object call(ActorSystem<?> system, Pid agent, Function<ActorRef<Object>, Cmd> command) {
        return SupervisionTestBase.result(AskPattern.ask(agent.<Cmd>ref(), command::apply, Duration.ofDays(1),
                system.scheduler()));
    }

    private static Behavior<Object> behavior(ProcessContext<Object> proc, ActorRef<Got> observer) {
        return Behaviors.receive(Object.class)
                .onMessage(ExitMessage.class, m -> forward(proc, observer, m))
                .onMessage(Down.class, m -> forward(proc, observer, m))
                .onMessage(Exit.class, m -> Processes.exit(m.reason()))
                .onMessage(Crash.class, m -> {
                    throw m.error();
                })
                .onMessage(Stop.class, m -> Behaviors.stopped())
                .onMessage(Cmd.class, cmd -> {
                    cmd.replyTo().tell(perform(proc, observer, cmd));
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Object> forward(ProcessContext<Object> proc, ActorRef<Got> observer, Object message) {
        observer.tell(new Got(proc.self(), message));
        return Behaviors.same();
    }

    private static Object perform(ProcessContext<Object> proc, ActorRef<Got> observer, Cmd cmd) {
        try {
            return switch (cmd) {
                case Link c -> {
                    proc.link(c.other());
                    yield "ok";
                }
                case Unlink c -> {
                    proc.unlink(c.other());
                    yield "ok";
                }
                case Monitor c -> proc.monitor(c.other(), down -> down);
                case Demonitor c -> proc.demonitor(c.ref());
                case MonitorThenDemonitor c -> proc.demonitor(proc.monitor(c.other(), down -> down));
                case TrapExits c -> {
                    if (c.on()) {
                        proc.trapExits(exit -> exit);
                    } else {
                        proc.stopTrappingExits();
                    }
                    yield "ok";
                }
                case SendExit c -> {
                    proc.exit(c.target(), c.reason());
                    yield "ok";
                }
                case SpawnLink c -> proc.spawnLink(c.name(), init(observer));
                case SpawnLinkWith c -> proc.spawnLink(c.name(), c.init());
                case Links c -> proc.links();
                case Ping c -> "pong";
                case Sync c -> {
                    observer.tell(new Got(proc.self(), "sync"));
                    yield "ok";
                }
            };
        } catch (RuntimeException e) {
            return e;
        }
    }
}
