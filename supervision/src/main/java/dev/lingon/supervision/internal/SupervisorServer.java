package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ChildCounts;
import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ChildType;
import dev.lingon.supervision.api.DeleteChildResult;
import dev.lingon.supervision.api.Down;
import dev.lingon.supervision.api.ExitMessage;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.FailedToStartChild;
import dev.lingon.supervision.api.IntensityWindow;
import dev.lingon.supervision.api.MonitorRef;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.ProcessExit;
import dev.lingon.supervision.api.ProcessInit;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartDecision;
import dev.lingon.supervision.api.RestartPolicy;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.StartResult;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorCall;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * supervisor.erl on a Pekko actor. The structure follows the Erlang module function by function
 * ({@code init_children}, {@code start_children}, {@code do_restart}, {@code restart/2,3},
 * {@code restart_multiple_children}, {@code terminate_children}, {@code shutdown/1},
 * {@code terminate_dynamic_children}, the {@code handle_call} clauses) so the two can be read side by side.
 *
 * <p>Where OTP blocks in a selective receive (waiting for a child's init ack, or for its DOWN after a
 * shutdown), this actor registers a waiter for exactly that message and defers every other message until
 * the whole operation is done, then handles the deferred ones in arrival order. That keeps OTP's
 * observable order: children stop one after the other in reverse start order, calls made during a restart
 * are answered after it, EXITs that arrive meanwhile are handled afterwards (and ignored when they name a
 * pid the supervisor no longer has).
 *
 * <p>Owned by the supervisor's actor: every method runs on its thread.
 */
public final class SupervisorServer {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorServer.class);

    private final ProcessCell<Object> proc;
    private final SupervisorSpec spec;
    private final Pid self;
    private final ActorRef<Object> selfRef;
    private final boolean simple;

    /** Static children in start order (OTP keeps them newest first; the order of operations is the same). */
    private final List<Child> children = new ArrayList<>();
    /** simple_one_for_one: the dynamic spec, and children keyed by pid or {@link RestartingKey}. */
    private final ChildSpec dynamicSpec;
    private final LinkedHashMap<Object, List<Object>> dynamics = new LinkedHashMap<>();

    private IntensityWindow window;
    private long nameSerial;

    /** The messages an in-flight operation waits for, by key; each is consumed once. */
    private final Map<Object, Consumer<Object>> waiters = new HashMap<>();
    /** Messages that arrived while an operation was in flight, in arrival order. */
    private final Deque<Object> deferred = new ArrayDeque<>();
    private boolean busy;
    private ExitReason exitWith;

    private SupervisorServer(ProcessCell<Object> proc, SupervisorSpec spec) {
        this.proc = proc;
        this.spec = spec;
        this.self = proc.self();
        this.selfRef = proc.actor().getSelf();
        this.simple = spec.strategy() == Strategy.SIMPLE_ONE_FOR_ONE;
        this.dynamicSpec = simple ? spec.children().getFirst() : null;
        this.window = IntensityWindow.of(spec);
    }

    /** The init of a supervisor process running {@code spec}. */
    public static ProcessInit<Object> init(SupervisorSpec spec) {
        Objects.requireNonNull(spec, "spec");
        return process -> new SupervisorServer((ProcessCell<Object>) process, spec).start();
    }

    // ---------------------------------------------------------------------------------------------
    // Child records

    /** A static child: its spec and OTP's pid field ({@code Pid | undefined | {restarting, Pid}}). */
    private static final class Child {
        final ChildSpec spec;
        ChildPid pid = new Undefined();

        Child(ChildSpec spec) {
            this.spec = spec;
        }
    }

    private sealed interface ChildPid {
    }

    private record Alive(Pid pid) implements ChildPid {
    }

    private record Undefined() implements ChildPid {
    }

    /** {@code {restarting, OldPid}}; {@code old} is null for OTP's {@code {restarting, undefined}}. */
    private record Restarting(Pid old) implements ChildPid {
    }

    /** A simple_one_for_one child whose restart failed: {@code {restarting, OldPid}} as a dynamics key. */
    private record RestartingKey(Pid old) {
    }

    // Internal messages and waiter keys.
    private record InitAck(Pid pid, StartResult result) {
    }

    private record KillTimer(Object token) {
    }

    private record TryAgain(Object key) {
    }

    private record StartKey(Pid pid) {
    }

    private record DownKey(MonitorRef ref) {
    }

    private record TimerKey(Object token) {
    }

    // ---------------------------------------------------------------------------------------------
    // init/1

    private Behavior<Object> start() {
        proc.trapExits(exit -> exit);
        proc.deferInitAck();
        if (simple) {
            proc.ackInit();
        } else {
            spec.children().forEach(c -> children.add(new Child(c)));
            run(startChildren(List.copyOf(children)).then(failure -> {
                if (failure.isEmpty()) {
                    proc.ackInit();
                    return Async.unit();
                }
                return terminateChildren(List.copyOf(children))
                        .map(v -> exit(ExitReason.shutdown(failure.get())));
            }));
        }
        if (exitWith != null) {
            throw new ProcessExit(exitWith);
        }
        return Behaviors.receiveMessage(this::onMessage);
    }

    // ---------------------------------------------------------------------------------------------
    // Message loop

    private Behavior<Object> onMessage(Object msg) {
        dispatch(msg);
        while (!busy && exitWith == null && !deferred.isEmpty()) {
            handle(deferred.poll());
        }
        if (exitWith != null) {
            throw new ProcessExit(exitWith);
        }
        return Behaviors.same();
    }

    private void dispatch(Object msg) {
        Object key = waitKey(msg);
        Consumer<Object> waiter = key == null ? null : waiters.remove(key);
        if (waiter != null) {
            waiter.accept(msg);
        } else if (busy || !deferred.isEmpty()) {
            deferred.add(msg);
        } else {
            handle(msg);
        }
    }

    private static Object waitKey(Object msg) {
        return switch (msg) {
            case InitAck ack -> new StartKey(ack.pid());
            case ExitMessage exit -> new StartKey(exit.from());
            case Down down -> new DownKey(down.ref());
            case KillTimer timer -> new TimerKey(timer.token());
            default -> null;
        };
    }

    private void run(Async<?> operation) {
        busy = true;
        operation.onDone(v -> busy = false);
    }

    private Void exit(ExitReason reason) {
        exitWith = reason;
        return null;
    }

    private void handle(Object msg) {
        switch (msg) {
            case ExitMessage exit when proc.parent().filter(p -> p == exit.from()).isPresent() ->
                    // gen_server: an EXIT from the parent terminates the server with the same reason.
                    run(terminate().map(v -> exit(exit.reason())));
            case ExitMessage exit -> run(restartChild(exit.from(), exit.reason()));
            case SupervisorCall call -> run(handleCall(call));
            case TryAgain tryAgain -> run(tryAgainRestart(tryAgain.key()));
            case InitAck stale -> LOG.debug("{}: ignoring stale {}", self, stale);
            case Down stale -> LOG.debug("{}: ignoring stale {}", self, stale);
            case KillTimer stale -> LOG.debug("{}: ignoring stale {}", self, stale);
            default -> LOG.error("Supervisor {} received unexpected message: {}", self, msg);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Starting children

    /** start_children/2: in order; abort at the first failure. */
    private Async<Optional<FailedToStartChild>> startChildren(List<Child> toStart) {
        return Async.untilStopped(toStart, child -> doStartChild(child).map(result -> switch (result) {
            case Reply.Started started -> {
                child.pid = new Alive(started.pid());
                yield Optional.empty();
            }
            case Reply.Ignored ignored -> {
                if (child.spec.restart() == RestartType.TEMPORARY) {
                    children.remove(child);
                } else {
                    child.pid = new Undefined();
                }
                yield Optional.empty();
            }
            case Reply.Failed failed -> {
                report(new SupervisorReport.StartError(self, offender(child), failed.reason()));
                yield Optional.of(new FailedToStartChild(child.spec.id(), failed.reason()));
            }
        }));
    }

    /** do_start_child/2: start and write the progress report. */
    private Async<StartResult> doStartChild(Child child) {
        return startProcess(child.spec, List.of()).map(result -> {
            if (result instanceof Reply.Started(Pid pid)) {
                report(new SupervisorReport.ChildStarted(self, Offender.of(child.spec, List.of(pid))));
            }
            return result;
        });
    }

    /**
     * do_start_child_i/3: call the start function here, start the init in a linked child process and wait
     * for its init ack (or its EXIT, if it dies first), as proc_lib:start_link does.
     */
    private Async<StartResult> startProcess(ChildSpec childSpec, List<Object> args) {
        ProcessInit<?> childInit;
        try {
            childInit = Objects.requireNonNull(childSpec.start().start(args), "the start function returned null");
        } catch (InitIgnored ignored) {
            return Async.done(new Reply.Ignored());
        } catch (ProcessExit exit) {
            return Async.done(new Reply.Failed(exit.reason()));
        } catch (Exception | LinkageError | AssertionError e) {
            return Async.done(new Reply.Failed(ExitReason.error(e)));
        }
        Pid child = proc.spawnLink(childName(childSpec.id()), childInit);
        Async<StartResult> result = Async.pending();
        waiters.put(new StartKey(child), msg -> result.complete(switch (msg) {
            case InitAck ack -> ack.result();
            case ExitMessage exit -> new Reply.Failed(exit.reason());
            default -> throw new IllegalStateException("unexpected start answer " + msg);
        }));
        ProcessHandle.of(child).initFuture().thenAccept(r -> selfRef.tell(new InitAck(child, r)));
        return result;
    }

    private String childName(String id) {
        StringBuilder name = new StringBuilder(id.length() + 8);
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            name.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
        }
        if (name.isEmpty()) {
            name.append("child");
        }
        return name.append('-').append(++nameSerial).toString();
    }

    // ---------------------------------------------------------------------------------------------
    // A child exited

    /** restart_child/3 and do_restart/3. */
    private Async<Void> restartChild(Pid pid, ExitReason reason) {
        if (simple) {
            if (!dynamics.containsKey(pid)) {
                return Async.unit();
            }
            RestartDecision decision = RestartPolicy.decide(dynamicSpec.restart(), reason);
            if (decision.reported()) {
                report(new SupervisorReport.ChildTerminated(self, Offender.of(dynamicSpec, List.of(pid)), reason));
            }
            if (decision.restarts()) {
                return restart(pid);
            }
            dynamics.remove(pid);
            return autoShutdown(dynamicSpec);
        }
        Child child = findByPid(pid);
        if (child == null) {
            return Async.unit();
        }
        RestartDecision decision = RestartPolicy.decide(child.spec.restart(), reason);
        if (decision.reported()) {
            report(new SupervisorReport.ChildTerminated(self, offender(child), reason));
        }
        if (decision.restarts()) {
            return restart(child);
        }
        delChild(child);
        return autoShutdown(child.spec);
    }

    /** do_auto_shutdown/2. */
    private Async<Void> autoShutdown(ChildSpec exited) {
        boolean remain = simple
                ? !dynamics.isEmpty()
                : children.stream().anyMatch(c -> c.spec.significant() && !(c.pid instanceof Undefined));
        if (RestartPolicy.autoShutdown(spec.autoShutdown(), exited.significant(), remain)) {
            return terminate().map(v -> exit(ExitReason.shutdown()));
        }
        return Async.unit();
    }

    /**
     * restart/2: count the restart against the intensity (give up past it), else restart by strategy; a
     * restart that fails leaves the child restarting and retries through a message to self.
     */
    private Async<Void> restart(Object target) {
        IntensityWindow.Outcome outcome = window.addRestart(proc.clock().seconds());
        window = outcome.window();
        if (outcome.exceeded()) {
            if (target instanceof Child child) {
                report(new SupervisorReport.MaxRestartIntensityReached(self, offender(child)));
                delChild(child);
            } else {
                report(new SupervisorReport.MaxRestartIntensityReached(self,
                        Offender.of(dynamicSpec, dynamicPids(target))));
                dynamics.remove(target);
            }
            return terminate().map(v -> exit(ExitReason.shutdown()));
        }
        Async<Optional<Object>> restarted = switch (spec.strategy()) {
            case SIMPLE_ONE_FOR_ONE -> restartDynamic(target);
            case ONE_FOR_ONE -> restartOneForOne((Child) target);
            case REST_FOR_ONE -> restartRestForOne((Child) target);
            case ONE_FOR_ALL -> restartOneForAll((Child) target);
        };
        return restarted.map(tryAgain -> {
            // Back to the mailbox before trying again, so that a shutdown request can get in between.
            tryAgain.ifPresent(key -> selfRef.tell(new TryAgain(key)));
            return null;
        });
    }

    private Async<Optional<Object>> restartDynamic(Object key) {
        List<Object> args = dynamics.remove(key);
        Pid oldPid = key instanceof RestartingKey restarting ? restarting.old() : (Pid) key;
        return startProcess(dynamicSpec, args).map(result -> switch (result) {
            case Reply.Started started -> {
                dynamics.put(started.pid(), args);
                yield Optional.empty();
            }
            // OTP would store 'undefined' as a child here; an ignored restart simply leaves no child.
            case Reply.Ignored ignored -> Optional.empty();
            case Reply.Failed failed -> {
                RestartingKey restarting = new RestartingKey(oldPid);
                dynamics.put(restarting, args);
                report(new SupervisorReport.StartError(self, Offender.of(dynamicSpec, List.of(oldPid)), failed.reason()));
                yield Optional.of(restarting);
            }
        });
    }

    private Async<Optional<Object>> restartOneForOne(Child child) {
        ChildPid old = child.pid;
        return doStartChild(child).map(result -> switch (result) {
            case Reply.Started started -> {
                child.pid = new Alive(started.pid());
                yield Optional.empty();
            }
            case Reply.Ignored ignored -> {
                child.pid = new Undefined();
                yield Optional.empty();
            }
            case Reply.Failed failed -> {
                child.pid = restarting(old);
                report(new SupervisorReport.StartError(self, offender(child), failed.reason()));
                yield Optional.of(child.spec.id());
            }
        });
    }

    private Async<Optional<Object>> restartRestForOne(Child child) {
        ChildPid old = child.pid;
        child.pid = new Undefined();
        List<Child> after = List.copyOf(children.subList(children.indexOf(child), children.size()));
        return restartMultipleChildren(child, old, after);
    }

    private Async<Optional<Object>> restartOneForAll(Child child) {
        ChildPid old = child.pid;
        delChild(child);
        return restartMultipleChildren(child, old, List.copyOf(children));
    }

    /** restart_multiple_children/3: stop the affected children in reverse order, start them in order. */
    private Async<Optional<Object>> restartMultipleChildren(Child child, ChildPid old, List<Child> affected) {
        return terminateChildren(affected).then(v -> {
            List<Child> toStart = affected.stream().filter(children::contains).toList();
            return startChildren(toStart).map(failure -> failure.map(f -> {
                Child failed = findById(f.id());
                failed.pid = failed == child ? restarting(old) : new Restarting(null);
                return f.id();
            }));
        });
    }

    /** restarting/1: a pid becomes {restarting, Pid}; anything else stays as it is. */
    private static ChildPid restarting(ChildPid old) {
        return old instanceof Alive(Pid pid) ? new Restarting(pid) : old;
    }

    /** handle_cast({try_again_restart, Id}). */
    private Async<Void> tryAgainRestart(Object key) {
        if (simple) {
            return dynamics.containsKey(key) ? restart(key) : Async.unit();
        }
        Child child = findById((String) key);
        return child != null && child.pid instanceof Restarting ? restart(child) : Async.unit();
    }

    // ---------------------------------------------------------------------------------------------
    // Stopping children

    /** terminate/2: stop every child, as the supervisor exits. */
    private Async<Void> terminate() {
        return simple ? terminateDynamicChildren() : terminateChildren(List.copyOf(children));
    }

    /**
     * terminate_children/2: in reverse start order; temporary children are dropped, the others are left
     * without a process.
     */
    private Async<Void> terminateChildren(List<Child> toStop) {
        return Async.forEach(toStop.reversed(), child -> doTerminate(child).map(v -> {
            delChild(child);
            return null;
        }));
    }

    /** do_terminate/2. */
    private Async<Void> doTerminate(Child child) {
        if (child.pid instanceof Alive(Pid pid)) {
            return shutdown(pid, child.spec).map(error -> {
                error.ifPresent(reason -> report(new SupervisorReport.ShutdownError(self, offender(child), reason)));
                return null;
            });
        }
        return Async.unit();
    }

    /**
     * shutdown/1: monitor, then kill at once (brutal_kill) or send {@code shutdown} and kill when the timeout
     * expires; wait for the DOWN. Answers the reason when it is not the expected one. The kill timer is
     * armed before the shutdown signal is sent, so a child that saw the signal knows the timer runs.
     */
    private Async<Optional<ExitReason>> shutdown(Pid pid, ChildSpec childSpec) {
        MonitorRef monitor = proc.monitor(pid, down -> down);
        Async<ExitReason> down = Async.pending();
        switch (childSpec.shutdown()) {
            case Shutdown.BrutalKill brutal -> {
                waiters.put(new DownKey(monitor), msg -> down.complete(downReason((Down) msg)));
                proc.killChild(pid);
            }
            case Shutdown.Timeout timeout -> {
                Object token = new Object();
                Cancellable timer = proc.actor().scheduleOnce(timeout.timeout(), selfRef, new KillTimer(token));
                waiters.put(new TimerKey(token), msg -> proc.killChild(pid));
                waiters.put(new DownKey(monitor), msg -> {
                    timer.cancel();
                    waiters.remove(new TimerKey(token));
                    down.complete(downReason((Down) msg));
                });
                proc.exit(pid, ExitReason.shutdown());
            }
            case Shutdown.Infinity infinity -> {
                waiters.put(new DownKey(monitor), msg -> down.complete(downReason((Down) msg)));
                proc.exit(pid, ExitReason.shutdown());
            }
        }
        return down.map(reason -> {
            proc.unlink(pid);
            return RestartPolicy.isCleanShutdown(childSpec.restart(), childSpec.shutdown(), reason)
                    ? Optional.empty() : Optional.of(reason);
        });
    }

    /**
     * unlink_flush/2: a child that was already dead gives a noproc DOWN, and OTP then takes the reason from
     * its EXIT message; the handle holds that same reason.
     */
    private static ExitReason downReason(Down down) {
        return down.reason() instanceof ExitReason.NoProc ? down.pid().exitReason().orElse(down.reason()) : down.reason();
    }

    /**
     * terminate_dynamic_children/1: all at once, under one kill timer; unexpected reasons are reported
     * once per reason, with the pids that gave it.
     */
    private Async<Void> terminateDynamicChildren() {
        Shutdown shutdown = dynamicSpec.shutdown();
        Map<MonitorRef, Pid> waiting = new LinkedHashMap<>();
        Map<ExitReason, List<Pid>> errors = new LinkedHashMap<>();
        Async<Void> done = Async.pending();
        Object token = new Object();
        Cancellable timer = shutdown instanceof Shutdown.Timeout(Duration timeout)
                ? proc.actor().scheduleOnce(timeout, selfRef, new KillTimer(token)) : null;
        Runnable finish = () -> {
            if (timer != null) {
                timer.cancel();
                waiters.remove(new TimerKey(token));
            }
            dynamics.clear();
            errors.forEach((reason, pids) ->
                    report(new SupervisorReport.ShutdownError(self, Offender.of(dynamicSpec, pids), reason)));
            done.complete(null);
        };
        for (Object key : dynamics.keySet()) {
            if (key instanceof Pid pid) {
                MonitorRef monitor = proc.monitor(pid, down -> down);
                waiting.put(monitor, pid);
                waiters.put(new DownKey(monitor), msg -> {
                    waiting.remove(monitor);
                    proc.unlink(pid);
                    ExitReason reason = downReason((Down) msg);
                    if (!RestartPolicy.isCleanShutdown(dynamicSpec.restart(), shutdown, reason)) {
                        errors.computeIfAbsent(reason, r -> new ArrayList<>()).add(pid);
                    }
                    if (waiting.isEmpty()) {
                        finish.run();
                    }
                });
                if (shutdown instanceof Shutdown.BrutalKill) {
                    proc.killChild(pid);
                } else {
                    proc.exit(pid, ExitReason.shutdown());
                }
            }
        }
        if (timer != null) {
            waiters.put(new TimerKey(token), msg -> List.copyOf(waiting.values()).forEach(proc::killChild));
        }
        if (waiting.isEmpty()) {
            finish.run();
        }
        return done;
    }

    // ---------------------------------------------------------------------------------------------
    // handle_call

    private Async<Void> handleCall(SupervisorCall call) {
        return switch (call) {
            case SupervisorCall.StartChild c -> startChildCall(c);
            case SupervisorCall.StartDynamicChild c -> startDynamicChildCall(c);
            case SupervisorCall.TerminateChild c -> terminateChildCall(c);
            case SupervisorCall.TerminateChildPid c -> terminateChildPidCall(c);
            case SupervisorCall.RestartChild c -> restartChildCall(c);
            case SupervisorCall.DeleteChild c -> {
                c.replyTo().tell(deleteChild(c.id()));
                yield Async.unit();
            }
            case SupervisorCall.WhichChildren c -> {
                c.replyTo().tell(whichChildren());
                yield Async.unit();
            }
            case SupervisorCall.CountChildren c -> {
                c.replyTo().tell(countChildren());
                yield Async.unit();
            }
            case SupervisorCall.Stop c -> terminate().map(v -> {
                c.replyTo().tell(c.reason());
                return exit(c.reason());
            });
        };
    }

    /** handle_start_child/2. */
    private Async<Void> startChildCall(SupervisorCall.StartChild call) {
        if (simple) {
            call.replyTo().tell(new Reply.BadChildSpec(
                    "a simple_one_for_one supervisor starts children from extra arguments, not from a child spec"));
            return Async.unit();
        }
        String problem = SupervisorSpec.significantProblem(call.spec(), spec.autoShutdown());
        if (problem != null) {
            call.replyTo().tell(new Reply.BadChildSpec(problem));
            return Async.unit();
        }
        Child existing = findById(call.spec().id());
        if (existing != null) {
            call.replyTo().tell(existing.pid instanceof Alive(Pid pid)
                    ? new Reply.AlreadyStarted(pid) : new Reply.AlreadyPresent());
            return Async.unit();
        }
        Child child = new Child(call.spec());
        return doStartChild(child).map(result -> {
            switch (result) {
                case Reply.Started started -> {
                    child.pid = new Alive(started.pid());
                    children.add(child);
                    call.replyTo().tell(started);
                }
                case Reply.Ignored ignored -> {
                    if (child.spec.restart() != RestartType.TEMPORARY) {
                        children.add(child);
                    }
                    call.replyTo().tell(ignored);
                }
                case Reply.Failed failed -> call.replyTo().tell(failed);
            }
            return null;
        });
    }

    private Async<Void> startDynamicChildCall(SupervisorCall.StartDynamicChild call) {
        if (!simple) {
            call.replyTo().tell(new Reply.BadChildSpec(
                    "a " + spec.strategy().otpName() + " supervisor starts children from a child spec, not from arguments"));
            return Async.unit();
        }
        List<Object> args = call.extraArgs();
        return startProcess(dynamicSpec, args).map(result -> {
            if (result instanceof Reply.Started(Pid pid)) {
                dynamics.put(pid, args);
            }
            call.replyTo().tell(switch (result) {
                case Reply.Started started -> started;
                case Reply.Ignored ignored -> ignored;
                case Reply.Failed failed -> failed;
            });
            return null;
        });
    }

    private Async<Void> terminateChildCall(SupervisorCall.TerminateChild call) {
        if (simple) {
            call.replyTo().tell(new Reply.SimpleOneForOne());
            return Async.unit();
        }
        Child child = findById(call.id());
        if (child == null) {
            call.replyTo().tell(new Reply.NotFound());
            return Async.unit();
        }
        return doTerminate(child).map(v -> {
            delChild(child);
            call.replyTo().tell(new Reply.Ok());
            return null;
        });
    }

    private Async<Void> terminateChildPidCall(SupervisorCall.TerminateChildPid call) {
        Pid pid = call.pid();
        if (!simple) {
            // A pid is never a child id.
            call.replyTo().tell(new Reply.NotFound());
            return Async.unit();
        }
        if (dynamics.containsKey(pid)) {
            return shutdown(pid, dynamicSpec).map(error -> {
                error.ifPresent(reason -> report(new SupervisorReport.ShutdownError(self,
                        Offender.of(dynamicSpec, List.of(pid)), reason)));
                dynamics.remove(pid);
                call.replyTo().tell(new Reply.Ok());
                return null;
            });
        }
        if (dynamics.remove(new RestartingKey(pid)) != null || !pid.isAlive()) {
            call.replyTo().tell(new Reply.Ok());
        } else {
            call.replyTo().tell(new Reply.NotFound());
        }
        return Async.unit();
    }

    private Async<Void> restartChildCall(SupervisorCall.RestartChild call) {
        if (simple) {
            call.replyTo().tell(new Reply.SimpleOneForOne());
            return Async.unit();
        }
        Child child = findById(call.id());
        if (child == null) {
            call.replyTo().tell(new Reply.NotFound());
            return Async.unit();
        }
        switch (child.pid) {
            case Restarting r -> {
                call.replyTo().tell(new Reply.Restarting());
                return Async.unit();
            }
            case Alive a -> {
                call.replyTo().tell(new Reply.Running());
                return Async.unit();
            }
            case Undefined u -> {
                return doStartChild(child).map(result -> {
                    switch (result) {
                        case Reply.Started started -> {
                            child.pid = new Alive(started.pid());
                            call.replyTo().tell(started);
                        }
                        case Reply.Ignored ignored -> call.replyTo().tell(ignored);
                        case Reply.Failed failed -> call.replyTo().tell(failed);
                    }
                    return null;
                });
            }
        }
    }

    private DeleteChildResult deleteChild(String id) {
        if (simple) {
            return new Reply.SimpleOneForOne();
        }
        Child child = findById(id);
        if (child == null) {
            return new Reply.NotFound();
        }
        return switch (child.pid) {
            case Undefined u -> {
                children.remove(child);
                yield new Reply.Ok();
            }
            case Restarting r -> new Reply.Restarting();
            case Alive a -> new Reply.Running();
        };
    }

    /** which_children: most recently started first, as OTP keeps its child list. */
    private List<ChildInfo> whichChildren() {
        List<ChildInfo> infos = new ArrayList<>();
        if (simple) {
            for (Object key : dynamics.sequencedKeySet().reversed()) {
                ChildInfo.Child child = key instanceof Pid pid ? new ChildInfo.Started(pid) : new ChildInfo.Restarting();
                infos.add(new ChildInfo(Optional.empty(), child, dynamicSpec.type()));
            }
            return List.copyOf(infos);
        }
        for (Child c : children.reversed()) {
            ChildInfo.Child child = switch (c.pid) {
                case Alive(Pid pid) -> new ChildInfo.Started(pid);
                case Restarting r -> new ChildInfo.Restarting();
                case Undefined u -> new ChildInfo.Undefined();
            };
            infos.add(new ChildInfo(Optional.of(c.spec.id()), child, c.spec.type()));
        }
        return List.copyOf(infos);
    }

    private ChildCounts countChildren() {
        if (simple) {
            int size = dynamics.size();
            int active = (int) dynamics.keySet().stream().filter(k -> k instanceof Pid).count();
            boolean sup = dynamicSpec.type() == ChildType.SUPERVISOR;
            return new ChildCounts(1, active, sup ? size : 0, sup ? 0 : size);
        }
        int active = 0;
        int supervisors = 0;
        int workers = 0;
        for (Child c : children) {
            if (c.pid instanceof Alive(Pid pid) && pid.isAlive()) {
                active++;
            }
            if (c.spec.type() == ChildType.SUPERVISOR) {
                supervisors++;
            } else {
                workers++;
            }
        }
        return new ChildCounts(children.size(), active, supervisors, workers);
    }

    // ---------------------------------------------------------------------------------------------

    /** del_child/2: a temporary child's spec goes, another child keeps its spec without a process. */
    private void delChild(Child child) {
        if (child.spec.restart() == RestartType.TEMPORARY) {
            children.remove(child);
        } else {
            child.pid = new Undefined();
        }
    }

    private Child findById(String id) {
        for (Child c : children) {
            if (c.spec.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    private Child findByPid(Pid pid) {
        for (Child c : children) {
            if (c.pid instanceof Alive(Pid p) && p == pid) {
                return c;
            }
        }
        return null;
    }

    private static Offender offender(Child child) {
        List<Pid> pids = switch (child.pid) {
            case Alive(Pid pid) -> List.of(pid);
            case Restarting(Pid old) -> old == null ? List.of() : List.of(old);
            case Undefined u -> List.of();
        };
        return Offender.of(child.spec, pids);
    }

    private static List<Pid> dynamicPids(Object key) {
        return switch (key) {
            case Pid pid -> List.of(pid);
            case RestartingKey(Pid old) -> List.of(old);
            default -> List.of();
        };
    }

    private void report(SupervisorReport report) {
        Reports.publish(proc.actor().getSystem(), report);
    }
}
