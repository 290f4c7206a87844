package dev.lingon.supervision.api;

import dev.lingon.supervision.internal.ProcessHandle;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The supervisor calls of OTP ({@code start_child}, {@code terminate_child}, …) for callers outside actors,
 * as futures over the {@link SupervisorCall} protocol. Like {@code gen_server:call(Sup, Req, infinity)} a
 * call waits as long as the supervisor needs (up to {@link #DEFAULT_TIMEOUT} unless set otherwise) and
 * fails with {@link NoProcException} if the supervisor is gone or exits before answering.
 *
 * <p>Immutable and thread-safe.
 */
public final class SupervisorRef {

    /** Stands in for OTP's {@code infinity} (Pekko's scheduler needs a bound). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofDays(1);

    private final ActorSystem<?> system;
    private final Pid pid;
    private final Duration timeout;

    SupervisorRef(ActorSystem<?> system, Pid pid, Duration timeout) {
        this.system = Objects.requireNonNull(system, "system");
        this.pid = Objects.requireNonNull(pid, "pid");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public SupervisorRef withTimeout(Duration callTimeout) {
        return new SupervisorRef(system, pid, callTimeout);
    }

    public Pid pid() {
        return pid;
    }

    /** {@code start_child(Sup, ChildSpec)}. */
    public CompletionStage<StartChildResult> startChild(ChildSpec spec) {
        return call(replyTo -> new SupervisorCall.StartChild(spec, replyTo));
    }

    /** {@code start_child(Sup, ExtraArgs)} of a simple_one_for_one supervisor. */
    public CompletionStage<StartChildResult> startChild(List<?> extraArgs) {
        List<Object> args = List.copyOf(extraArgs);
        return call(replyTo -> new SupervisorCall.StartDynamicChild(args, replyTo));
    }

    /** {@code terminate_child(Sup, Id)}. */
    public CompletionStage<TerminateChildResult> terminateChild(String id) {
        return call(replyTo -> new SupervisorCall.TerminateChild(id, replyTo));
    }

    /** {@code terminate_child(Sup, Pid)} of a simple_one_for_one supervisor. */
    public CompletionStage<TerminateChildResult> terminateChild(Pid child) {
        return call(replyTo -> new SupervisorCall.TerminateChildPid(child, replyTo));
    }

    /** {@code restart_child(Sup, Id)}. */
    public CompletionStage<RestartChildResult> restartChild(String id) {
        return call(replyTo -> new SupervisorCall.RestartChild(id, replyTo));
    }

    /** {@code delete_child(Sup, Id)}. */
    public CompletionStage<DeleteChildResult> deleteChild(String id) {
        return call(replyTo -> new SupervisorCall.DeleteChild(id, replyTo));
    }

    /** {@code which_children(Sup)}, most recently started first. */
    public CompletionStage<List<ChildInfo>> whichChildren() {
        return call(SupervisorCall.WhichChildren::new);
    }

    /** {@code count_children(Sup)}. */
    public CompletionStage<ChildCounts> countChildren() {
        return call(SupervisorCall.CountChildren::new);
    }

    /**
     * {@code gen_server:stop(Sup, Reason, infinity)}: stops the children (reverse start order) and the
     * supervisor; completes with the reason once the supervisor has exited.
     */
    public CompletionStage<ExitReason> stop(ExitReason reason) {
        ProcessHandle handle = ProcessHandle.of(pid);
        if (!handle.isAlive()) {
            return CompletableFuture.failedFuture(new NoProcException(pid));
        }
        ActorRef<ExitReason> ignoreReply = system.ignoreRef();
        pid.<SupervisorCall>ref().tell(new SupervisorCall.Stop(reason, ignoreReply));
        return handle.exitFuture().copy();
    }

    /** {@code supervisor} stopped with reason {@code normal}. */
    public CompletionStage<ExitReason> stop() {
        return stop(ExitReason.normal());
    }

    private <R> CompletionStage<R> call(Function<ActorRef<R>, SupervisorCall> request) {
        ProcessHandle handle = ProcessHandle.of(pid);
        if (!handle.isAlive()) {
            return CompletableFuture.failedFuture(new NoProcException(pid));
        }
        CompletableFuture<R> reply = AskPattern.<SupervisorCall, R>ask(pid.ref(), request::apply, timeout,
                system.scheduler()).toCompletableFuture();
        // A reply is completed on the supervisor's thread before it can record its exit, so a call that was
        // answered is never reported as noproc.
        return reply.applyToEither(handle.<R>gone(), Function.identity());
    }
}
