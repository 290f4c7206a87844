package dev.lingon.supervision.testkit;

import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitMessage;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.ProcessContext;
import dev.lingon.supervision.api.ProcessInit;
import dev.lingon.supervision.api.Processes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A test worker process that logs "start:NAME" when its init runs and "stop:NAME" when it stops, and obeys
 * {@link Cmd}s. Configurable: trap exits and ignore shutdown, fail or ignore its next starts.
 */
public final class Worker {

    /** What a worker can be told to do. */
    public sealed interface Cmd {
    }

    /** Throw: the worker crashes with {@code error(WorkerCrash)}. */
    public record Crash(String why) implements Cmd {
    }

    /** {@code exit(Reason)}. */
    public record Exit(ExitReason reason) implements Cmd {
    }

    /** Return {@code Behaviors.stopped()}: exit normal. */
    public record Stop() implements Cmd {
    }

    public record Ping(ActorRef<String> replyTo) implements Cmd {
    }

    /** {@code unlink(Parent)}: a "naughty" child that unlinks from its supervisor. */
    public record UnlinkParent(ActorRef<String> replyTo) implements Cmd {
    }

    /** The exception a {@link Crash} throws. */
    public static final class WorkerCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public WorkerCrash(String message) {
            super(message, null, false, false);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WorkerCrash other && Objects.equals(getMessage(), other.getMessage());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getMessage());
        }

        @Override
        public String toString() {
            return "crash(" + getMessage() + ")";
        }
    }

    private final String name;
    private final EventLog log;
    private boolean trapExits;
    private boolean ignoreShutdown;
    private ExitReason answerShutdownWith;
    private final AtomicInteger failStarts = new AtomicInteger();
    private final AtomicInteger ignoreStarts = new AtomicInteger();

    private Worker(String name, EventLog log) {
        this.name = name;
        this.log = log;
    }

    /** A setting applied to a worker (for specs that create a worker per start). */
    @FunctionalInterface
    public interface Option {
        void apply(Worker worker);
    }

    public static Worker named(String name, EventLog log) {
        return new Worker(name, log);
    }

    /** Traps exits; an exit signal is logged as "exit:NAME:REASON" and then obeyed (the worker exits with it). */
    public Worker trappingExits() {
        trapExits = true;
        return this;
    }

    /** Traps exits and ignores them after logging them: only a kill stops it. */
    public Worker ignoringShutdown() {
        trapExits = true;
        ignoreShutdown = true;
        return this;
    }

    /** Traps exits and answers an exit signal by exiting with {@code reason} instead of the signal's. */
    public Worker answeringShutdownWith(ExitReason reason) {
        trapExits = true;
        answerShutdownWith = reason;
        return this;
    }

    /** The next {@code n} starts fail (init throws). */
    public Worker failNextStarts(int n) {
        failStarts.set(n);
        return this;
    }

    /** The next {@code n} starts answer ignore. */
    public Worker ignoreNextStarts(int n) {
        ignoreStarts.set(n);
        return this;
    }

    public ProcessInit<Object> init() {
        return this::start;
    }

    public ChildSpec.Builder spec() {
        return ChildSpec.builder(name).start(init());
    }

    private Behavior<Object> start(ProcessContext<Object> proc) {
        if (failStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            log.add("failed-start:" + name);
            throw new WorkerCrash("init of " + name);
        }
        if (ignoreStarts.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            log.add("ignored-start:" + name);
            return Processes.ignore();
        }
        if (trapExits) {
            proc.trapExits(m -> m);
        }
        log.register(name, proc.self());
        log.add("start:" + name);
        return Behaviors.receive(Object.class)
                .onMessage(Crash.class, c -> {
                    throw new WorkerCrash(c.why());
                })
                .onMessage(Exit.class, e -> Processes.exit(e.reason()))
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onMessage(Ping.class, p -> {
                    p.replyTo().tell("pong:" + name);
                    return Behaviors.same();
                })
                .onMessage(UnlinkParent.class, u -> {
                    proc.unlink(proc.parent().orElseThrow());
                    u.replyTo().tell("unlinked:" + name);
                    return Behaviors.same();
                })
                .onMessage(ExitMessage.class, e -> {
                    log.add("exit:" + name + ":" + e.reason());
                    if (ignoreShutdown) {
                        return Behaviors.same();
                    }
                    return Processes.exit(answerShutdownWith != null ? answerShutdownWith : e.reason());
                })
                .onSignal(PostStop.class, s -> {
                    log.add("stop:" + name);
                    return Behaviors.same();
                })
                .build();
    }
}
