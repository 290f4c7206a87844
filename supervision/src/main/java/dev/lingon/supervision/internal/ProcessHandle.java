package dev.lingon.supervision.internal;

import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.NoProcException;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.StartResult;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The runtime's side of a {@link Pid}: the actor, the exit reason (set once, before Pekko stops the actor, so
 * that whoever sees the actor's {@code Terminated} also sees the reason), and the init outcome.
 *
 * <p>Thread-safe: written by the process's own actor (and by its supervisor when it kills it), read by
 * anyone.
 */
public final class ProcessHandle implements Pid {

    private static final AtomicLong SERIALS = new AtomicLong();

    /** The sender of exit signals that come from outside any process (tests, toolstacks). */
    static final ProcessHandle EXTERNAL = new ProcessHandle("external");

    static {
        EXTERNAL.recordExit(ExitReason.noproc());
    }

    private final long serial = SERIALS.incrementAndGet();
    private final String name;
    private final AtomicReference<ActorRef<Object>> ref = new AtomicReference<>();
    private final AtomicReference<ExitReason> exit = new AtomicReference<>();
    private final CompletableFuture<StartResult> init = new CompletableFuture<>();
    private final CompletableFuture<ExitReason> exited = new CompletableFuture<>();
    /** Never completes normally; fails with noproc at exit. Shared, so callers racing it leave no residue. */
    private final CompletableFuture<Object> gone = new CompletableFuture<>();

    ProcessHandle(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    public static ProcessHandle of(Pid pid) {
        if (pid instanceof ProcessHandle handle) {
            return handle;
        }
        throw new IllegalArgumentException("not a Pid of this runtime: " + pid);
    }

    /** Binds the actor; idempotent for the same actor (the spawner and the actor itself both bind it). */
    void bind(ActorRef<Object> actor) {
        if (!ref.compareAndSet(null, actor) && !ref.get().equals(actor)) {
            throw new IllegalStateException(this + " is already bound to " + ref.get());
        }
    }

    /**
     * Records the exit reason if none is recorded yet, and answers whether this call recorded it. A start
     * still waiting for init fails with the reason.
     */
    public boolean recordExit(ExitReason reason) {
        if (exit.compareAndSet(null, Objects.requireNonNull(reason, "reason"))) {
            init.complete(new Reply.Failed(reason));
            exited.complete(reason);
            gone.completeExceptionally(new NoProcException(this));
            return true;
        }
        return false;
    }

    /** Completes the init (a no-op when it already completed, e.g. the process already exited). */
    void completeInit(StartResult result) {
        init.complete(result);
    }

    /** Completes when init returns, or when the process exits before. */
    public CompletableFuture<StartResult> initFuture() {
        return init;
    }

    /** Completes with the exit reason as soon as it is recorded (just before the actor stops). */
    public CompletableFuture<ExitReason> exitFuture() {
        return exited;
    }

    /**
     * A future that fails with {@link NoProcException} when the process exits; race a reply against it. It
     * never completes normally, so it can stand for any result type.
     */
    @SuppressWarnings("unchecked")
    public <R> CompletableFuture<R> gone() {
        return (CompletableFuture<R>) (CompletableFuture<?>) gone;
    }

    boolean isExternal() {
        return this == EXTERNAL;
    }

    ActorRef<Object> actor() {
        ActorRef<Object> actor = ref.get();
        if (actor == null) {
            throw new IllegalStateException(this + " has no actor");
        }
        return actor;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> ActorRef<T> ref() {
        return (ActorRef<T>) (ActorRef<?>) actor();
    }

    @Override
    public boolean isAlive() {
        return exit.get() == null;
    }

    @Override
    public Optional<ExitReason> exitReason() {
        return Optional.ofNullable(exit.get());
    }

    @Override
    public String toString() {
        return "<0." + serial + ".0>(" + name + ")";
    }
}
