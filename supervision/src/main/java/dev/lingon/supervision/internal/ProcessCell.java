package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ClockSetup;
import dev.lingon.supervision.api.Down;
import dev.lingon.supervision.api.ExitMessage;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.MonitorRef;
import dev.lingon.supervision.api.MonotonicClock;
import dev.lingon.supervision.api.NoProcException;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.ProcessContext;
import dev.lingon.supervision.api.ProcessExit;
import dev.lingon.supervision.api.ProcessInit;
import dev.lingon.supervision.api.Reply;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process control block: a Pekko interceptor wrapped around a process's behaviour that gives it
 * Erlang's process semantics, and the {@link ProcessContext} the behaviour talks to.
 *
 * <p>How the rules map onto Pekko:
 * <ul>
 *   <li>Exit reason: every way out of the behaviour records a reason in the {@link ProcessHandle} before the
 *       actor stops (returning {@code Behaviors.stopped()}: normal; {@link ProcessExit}: its reason; any
 *       other exception: {@code error(cause)}). Exceptions never reach Pekko's own supervision. An actor
 *       stopped from outside (its Pekko parent stopping, {@code ctx.stop}, system termination) records
 *       {@code killed} in PostStop if nothing was recorded before.</li>
 *   <li>Links and monitors: a Pekko death watch on the other process; when its {@code Terminated} arrives
 *       the reason is read from its handle (recorded before the stop, so visible). Both sides of a link
 *       watch each other.</li>
 *   <li>Signals that become messages ({@code 'EXIT'} when trapping, {@code 'DOWN'}) are sent to self and
 *       so queue behind the messages already in the mailbox.</li>
 *   <li>An explicit exit signal is a message: it is handled in mailbox order, after the messages the
 *       sender sent before it (Erlang's per-pair order), and cannot interrupt a running handler.</li>
 * </ul>
 *
 * <p>Owned by the process's actor: every method runs on the actor's thread.
 */
public final class ProcessCell<T> extends BehaviorInterceptor<Object, Object> implements ProcessContext<T> {

    private static final Logger CRASH_LOG = LoggerFactory.getLogger("dev.lingon.supervision.crash");
    private static final AtomicLong MONITOR_IDS = new AtomicLong();

    private final ProcessHandle self;
    private final ProcessHandle parent;
    private final ProcessInit<T> init;
    private final boolean linkedToParent;

    private TypedActorContext<Object> typedCtx;
    private ActorContext<Object> ctx;
    private MonotonicClock clock;
    private Function<ExitMessage, ? extends T> trap;
    private boolean initDeferred;

    /** Linked processes in link order. */
    private final Set<ProcessHandle> links = new LinkedHashSet<>();
    /** One Pekko watch per other process, for its link and/or monitors. */
    private final Map<ActorRef<Object>, Watch> watches = new LinkedHashMap<>();
    /** Active monitors and their adapters; a Down is delivered only while its monitor is here. */
    private final Map<MonitorRef, Function<Down, ? extends T>> monitors = new LinkedHashMap<>();
    /** Processes spawned as Pekko children of this one (Pekko stops them when this one stops). */
    private final List<ProcessHandle> spawned = new ArrayList<>();
    private int pruneSpawnedAt = 16;

    private ProcessCell(ProcessHandle self, ProcessHandle parent, ProcessInit<T> init, boolean linkedToParent) {
        super(Object.class);
        this.self = self;
        this.parent = parent;
        this.init = init;
        this.linkedToParent = linkedToParent;
    }

    /** The actor behaviour that runs {@code init} as process {@code self}. */
    static <T> Behavior<Object> behavior(ProcessHandle self, ProcessHandle parent, ProcessInit<T> init,
                                         boolean linkedToParent) {
        Objects.requireNonNull(init, "init");
        return Behaviors.intercept(() -> new ProcessCell<>(self, parent, init, linkedToParent), Behaviors.empty());
    }

    private static final class Watch {
        final ProcessHandle pid;
        final List<MonitorRef> monitors = new ArrayList<>();
        boolean linked;

        Watch(ProcessHandle pid) {
            this.pid = pid;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Interceptor: start, messages, signals

    @Override
    public Behavior<Object> aroundStart(TypedActorContext<Object> startCtx, PreStartTarget<Object> target) {
        typedCtx = startCtx;
        ctx = startCtx.asJava();
        clock = ClockSetup.clockOf(ctx.getSystem());
        self.bind(ctx.getSelf());
        if (linkedToParent && parent != null) {
            // spawn_link is atomic: the link exists before the child runs any code.
            links.add(parent);
            watchFor(parent).linked = true;
        }
        try {
            Behavior<Object> initial = cast(init.init(this));
            Behavior<Object> started = Behavior.start(Behavior.validateAsInitial(initial), startCtx);
            if (!initDeferred) {
                self.completeInit(new Reply.Started(self));
            }
            if (!Behavior.isAlive(started)) {
                return exitWith(ExitReason.normal());
            }
            return started;
        } catch (InitIgnored ignored) {
            self.completeInit(new Reply.Ignored());
            return exitWith(ExitReason.normal());
        } catch (ProcessExit exit) {
            return exitWith(exit.reason());
        } catch (Throwable t) {
            rethrowIfFatal(t);
            return exitWith(ExitReason.error(t));
        }
    }

    @Override
    public Behavior<Object> aroundReceive(TypedActorContext<Object> receiveCtx, Object msg, ReceiveTarget<Object> target) {
        if (msg instanceof ProcessSignal signal) {
            return switch (signal) {
                case ProcessSignal.Link link -> onLinkRequest(link.from());
                case ProcessSignal.Unlink unlink -> onUnlinkRequest(unlink.from());
                case ProcessSignal.Exit exit -> onExitSignal(exit.from(), exit.reason(), target);
                case ProcessSignal.Deliver deliver -> onDeliver(deliver, target);
            };
        }
        return invoke(target, () -> msg);
    }

    @Override
    public Behavior<Object> aroundSignal(TypedActorContext<Object> signalCtx, Signal signal, SignalTarget<Object> target) {
        if (signal instanceof Terminated terminated) {
            Watch watch = watches.remove(terminated.getRef());
            if (watch != null) {
                return onWatchedExit(watch);
            }
        }
        if (signal instanceof PostStop) {
            // Stopped from outside without passing through exitWith: Erlang would call this a kill.
            self.recordExit(ExitReason.killed());
            try {
                return target.apply(signalCtx, signal);
            } catch (Throwable t) {
                rethrowIfFatal(t);
                CRASH_LOG.atError().addKeyValue("pid", self).setCause(t).log("{} failed in PostStop", self);
                return Behaviors.same();
            }
        }
        try {
            Behavior<Object> next = target.apply(signalCtx, signal);
            return afterUserCode(next);
        } catch (ProcessExit exit) {
            return exitWith(exit.reason());
        } catch (Throwable t) {
            rethrowIfFatal(t);
            return exitWith(ExitReason.error(t));
        }
    }

    private Behavior<Object> invoke(ReceiveTarget<Object> target, Supplier<Object> message) {
        try {
            return afterUserCode(target.apply(typedCtx, message.get()));
        } catch (ProcessExit exit) {
            return exitWith(exit.reason());
        } catch (InitIgnored misuse) {
            return exitWith(ExitReason.error(new IllegalStateException("Processes.ignore() called outside init")));
        } catch (Throwable t) {
            rethrowIfFatal(t);
            return exitWith(ExitReason.error(t));
        }
    }

    private Behavior<Object> afterUserCode(Behavior<Object> next) {
        if (!Behavior.isAlive(next)) {
            // The behaviour stopped itself: it returned from its "function".
            prepareExit(recorded(ExitReason.normal()));
        }
        return next;
    }

    /** Ends the process with {@code reason} (unless a reason was recorded first, e.g. by a kill). */
    private Behavior<Object> exitWith(ExitReason reason) {
        ExitReason effective = recorded(reason);
        if (effective instanceof ExitReason.Error(Throwable cause)) {
            CRASH_LOG.atError().addKeyValue("pid", self).addKeyValue("reason", effective).setCause(cause)
                    .log("process {} crashed", self);
        }
        prepareExit(effective);
        return Behaviors.stopped();
    }

    private ExitReason recorded(ExitReason reason) {
        self.recordExit(reason);
        return self.exitReason().orElseThrow();
    }

    /**
     * Pekko will stop this process's Pekko children with it. Give them the reason Erlang would: a linked
     * child dies with an abnormal reason of its parent; one that Erlang would leave running is killed.
     */
    private void prepareExit(ExitReason reason) {
        for (ProcessHandle child : spawned) {
            if (child.isAlive()) {
                child.recordExit(links.contains(child) && reason.isAbnormal() ? reason : ExitReason.killed());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Signals

    private Behavior<Object> onLinkRequest(ProcessHandle from) {
        if (from != self && links.add(from)) {
            watchFor(from).linked = true;
        }
        return Behaviors.same();
    }

    private Behavior<Object> onUnlinkRequest(ProcessHandle from) {
        if (links.remove(from)) {
            Watch watch = watches.get(from.actor());
            if (watch != null) {
                watch.linked = false;
                unwatchIfUnused(watch);
            }
        }
        return Behaviors.same();
    }

    private Behavior<Object> onExitSignal(ProcessHandle from, ExitReason reason, ReceiveTarget<Object> target) {
        if (reason instanceof ExitReason.Kill) {
            return exitWith(ExitReason.killed());
        }
        if (trap != null) {
            Function<ExitMessage, ? extends T> adapter = trap;
            return invoke(target, () -> adapter.apply(new ExitMessage(from, reason)));
        }
        if (reason instanceof ExitReason.Normal) {
            return from == self ? exitWith(reason) : Behaviors.same();
        }
        return exitWith(reason);
    }

    private Behavior<Object> onDeliver(ProcessSignal.Deliver deliver, ReceiveTarget<Object> target) {
        Function<Object, ?> adapter = deliver.adapter();
        if (deliver.monitor() != null) {
            Function<Down, ? extends T> monitorAdapter = monitors.remove(deliver.monitor());
            if (monitorAdapter == null) {
                return Behaviors.same(); // demonitored: flushed
            }
            adapter = erase(monitorAdapter);
        }
        Function<Object, ?> convert = adapter;
        return invoke(target, () -> convert.apply(deliver.payload()));
    }

    /** A linked and/or monitored process exited: DOWN for each monitor, then the link's exit signal. */
    private Behavior<Object> onWatchedExit(Watch watch) {
        ExitReason reason = watch.pid.exitReason().orElse(ExitReason.killed());
        for (MonitorRef ref : watch.monitors) {
            selfTell(new ProcessSignal.Deliver(new Down(ref, watch.pid, reason), null, ref));
        }
        if (watch.linked && links.remove(watch.pid)) {
            return onLinkExit(watch.pid, reason);
        }
        return Behaviors.same();
    }

    private Behavior<Object> onLinkExit(ProcessHandle from, ExitReason reason) {
        if (trap != null) {
            selfTell(new ProcessSignal.Deliver(new ExitMessage(from, reason), erase(trap), null));
            return Behaviors.same();
        }
        if (reason instanceof ExitReason.Normal) {
            return Behaviors.same();
        }
        // Through a link even kill is an ordinary reason: the receiver dies with kill, not killed.
        return exitWith(reason);
    }

    // ---------------------------------------------------------------------------------------------
    // ProcessContext

    @Override
    public Pid self() {
        return self;
    }

    @Override
    public Optional<Pid> parent() {
        return Optional.ofNullable(parent);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ActorContext<T> actor() {
        return (ActorContext<T>) (ActorContext<?>) ctx;
    }

    @Override
    public MonotonicClock clock() {
        return clock;
    }

    @Override
    public void trapExits(Function<ExitMessage, ? extends T> asMessage) {
        trap = Objects.requireNonNull(asMessage, "asMessage");
    }

    @Override
    public void stopTrappingExits() {
        trap = null;
    }

    @Override
    public boolean isTrappingExits() {
        return trap != null;
    }

    @Override
    public void link(Pid other) {
        ProcessHandle pid = ProcessHandle.of(other);
        if (pid == self || links.contains(pid)) {
            return;
        }
        if (!pid.isAlive()) {
            if (trap != null) {
                selfTell(new ProcessSignal.Deliver(new ExitMessage(pid, ExitReason.noproc()), erase(trap), null));
                return;
            }
            throw new NoProcException(pid);
        }
        links.add(pid);
        watchFor(pid).linked = true;
        pid.actor().tell(new ProcessSignal.Link(self));
    }

    @Override
    public void unlink(Pid other) {
        ProcessHandle pid = ProcessHandle.of(other);
        if (pid == self || pid.isExternal()) {
            return;
        }
        onUnlinkRequest(pid);
        if (pid.isAlive()) {
            pid.actor().tell(new ProcessSignal.Unlink(self));
        }
    }

    @Override
    public Set<Pid> links() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(links));
    }

    @Override
    public MonitorRef monitor(Pid target, Function<Down, ? extends T> asMessage) {
        Objects.requireNonNull(asMessage, "asMessage");
        ProcessHandle pid = ProcessHandle.of(target);
        MonitorRef ref = new MonitorRef(MONITOR_IDS.incrementAndGet(), pid);
        monitors.put(ref, asMessage);
        if (pid == self) {
            return ref; // a process never sees its own death
        }
        if (!pid.isAlive()) {
            selfTell(new ProcessSignal.Deliver(new Down(ref, pid, ExitReason.noproc()), null, ref));
            return ref;
        }
        watchFor(pid).monitors.add(ref);
        return ref;
    }

    @Override
    public boolean demonitor(MonitorRef ref) {
        boolean active = monitors.remove(ref) != null;
        ProcessHandle pid = ProcessHandle.of(ref.target());
        if (!pid.isExternal() && pid != self) {
            Watch watch = watches.get(pid.actor());
            if (watch != null && watch.monitors.remove(ref)) {
                unwatchIfUnused(watch);
            }
        }
        return active;
    }

    @Override
    public void exit(Pid target, ExitReason reason) {
        Objects.requireNonNull(reason, "reason");
        ProcessHandle pid = ProcessHandle.of(target);
        if (pid.isAlive()) {
            pid.actor().tell(new ProcessSignal.Exit(self, reason));
        }
    }

    @Override
    public <U> Pid spawn(String name, ProcessInit<U> init) {
        return spawnChild(name, init, false);
    }

    @Override
    public <U> Pid spawnLink(String name, ProcessInit<U> init) {
        return spawnChild(name, init, true);
    }

    private <U> ProcessHandle spawnChild(String name, ProcessInit<U> childInit, boolean link) {
        ProcessHandle child = new ProcessHandle(name);
        child.bind(ctx.spawn(behavior(child, self, childInit, link), name));
        if (spawned.size() >= pruneSpawnedAt) {
            spawned.removeIf(p -> !p.isAlive());
            pruneSpawnedAt = Math.max(16, 2 * spawned.size());
        }
        spawned.add(child);
        if (link) {
            links.add(child);
            watchFor(child).linked = true;
        }
        return child;
    }

    // ---------------------------------------------------------------------------------------------
    // Internal API for supervisors (proc_lib's deferred init_ack)

    /** Called during init: the process is not started when init returns but when {@link #ackInit} runs. */
    public void deferInitAck() {
        initDeferred = true;
    }

    /** proc_lib:init_ack: the start of this process succeeded. */
    public void ackInit() {
        self.completeInit(new Reply.Started(self));
    }

    /** The handle of this process. */
    public ProcessHandle handle() {
        return self;
    }

    /**
     * Kills a process that is a Pekko child of this one, the way an explicit {@code kill} would but through
     * Pekko's stop, which overtakes the messages queued in its mailbox.
     */
    public void killChild(Pid child) {
        ProcessHandle pid = ProcessHandle.of(child);
        pid.recordExit(ExitReason.killed());
        ctx.stop(pid.actor());
    }

    // ---------------------------------------------------------------------------------------------

    private Watch watchFor(ProcessHandle pid) {
        return watches.computeIfAbsent(pid.actor(), actor -> {
            ctx.watch(actor);
            return new Watch(pid);
        });
    }

    private void unwatchIfUnused(Watch watch) {
        if (!watch.linked && watch.monitors.isEmpty()) {
            watches.remove(watch.pid.actor());
            ctx.unwatch(watch.pid.actor());
        }
    }

    private void selfTell(ProcessSignal signal) {
        ctx.getSelf().tell(signal);
    }

    @SuppressWarnings("unchecked")
    private static Behavior<Object> cast(Behavior<?> behavior) {
        return (Behavior<Object>) Objects.requireNonNull(behavior, "init returned null");
    }

    @SuppressWarnings("unchecked")
    private static Function<Object, ?> erase(Function<?, ?> f) {
        return (Function<Object, ?>) f;
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError error) {
            throw error;
        }
    }
}
