package dev.lingon.supervision.api;

import java.util.List;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The supervisor's call protocol, for callers that ask from inside an actor ({@code ctx.ask}); outside
 * actors {@link SupervisorRef} wraps it. Send to {@code supervisorPid.<SupervisorCall>ref()}.
 *
 * <p>Calls are answered in order. While the supervisor is busy starting or stopping children, calls wait,
 * as they wait in OTP while the supervisor process is inside a restart.
 *
 * <p>Immutable; safe to share between threads.
 */
public sealed interface SupervisorCall {

    /** {@code start_child(Sup, ChildSpec)} for a supervisor other than simple_one_for_one. */
    record StartChild(ChildSpec spec, ActorRef<StartChildResult> replyTo) implements SupervisorCall {
        public StartChild {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code start_child(Sup, ExtraArgs)} for a simple_one_for_one supervisor. */
    record StartDynamicChild(List<Object> extraArgs, ActorRef<StartChildResult> replyTo) implements SupervisorCall {
        public StartDynamicChild {
            extraArgs = List.copyOf(extraArgs);
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code terminate_child(Sup, Id)}. */
    record TerminateChild(String id, ActorRef<TerminateChildResult> replyTo) implements SupervisorCall {
        public TerminateChild {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code terminate_child(Sup, Pid)}: for a simple_one_for_one supervisor. */
    record TerminateChildPid(Pid pid, ActorRef<TerminateChildResult> replyTo) implements SupervisorCall {
        public TerminateChildPid {
            Objects.requireNonNull(pid, "pid");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code restart_child(Sup, Id)}. */
    record RestartChild(String id, ActorRef<RestartChildResult> replyTo) implements SupervisorCall {
        public RestartChild {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code delete_child(Sup, Id)}. */
    record DeleteChild(String id, ActorRef<DeleteChildResult> replyTo) implements SupervisorCall {
        public DeleteChild {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code which_children(Sup)}: most recently started first, as OTP lists them. */
    record WhichChildren(ActorRef<List<ChildInfo>> replyTo) implements SupervisorCall {
        public WhichChildren {
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** {@code count_children(Sup)}. */
    record CountChildren(ActorRef<ChildCounts> replyTo) implements SupervisorCall {
        public CountChildren {
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /**
     * {@code gen_server:stop(Sup, Reason)}: stop all children (reverse start order), answer, then exit with
     * {@code reason}.
     */
    record Stop(ExitReason reason, ActorRef<ExitReason> replyTo) implements SupervisorCall {
        public Stop {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }
}
