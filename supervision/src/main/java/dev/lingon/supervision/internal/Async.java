package dev.lingon.supervision.internal;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A value a supervisor step produces now or when an awaited message arrives: the smallest continuation that
 * lets the supervisor run OTP's blocking sequences (start a child and wait for its init, stop a child and
 * wait for its DOWN) as an actor that never blocks.
 *
 * <p>Not thread-safe: created, completed and continued on one actor's thread. Continuations run inline when
 * the value completes; an exception in one propagates to whoever completed it (the actor's message
 * handler), which is the right place for a bug to surface.
 */
final class Async<T> {

    private boolean done;
    private T value;
    private Consumer<? super T> callback;

    private Async() {
    }

    static <T> Async<T> done(T value) {
        Async<T> async = new Async<>();
        async.done = true;
        async.value = value;
        return async;
    }

    static Async<Void> unit() {
        return done(null);
    }

    static <T> Async<T> pending() {
        return new Async<>();
    }

    boolean isDone() {
        return done;
    }

    void complete(T result) {
        if (done) {
            throw new IllegalStateException("already completed with " + value);
        }
        done = true;
        value = result;
        Consumer<? super T> cb = callback;
        callback = null;
        if (cb != null) {
            cb.accept(result);
        }
    }

    void onDone(Consumer<? super T> cb) {
        if (done) {
            cb.accept(value);
        } else if (callback != null) {
            throw new IllegalStateException("an Async has a single continuation");
        } else {
            callback = cb;
        }
    }

    <U> Async<U> then(Function<? super T, Async<U>> next) {
        if (done) {
            return next.apply(value);
        }
        Async<U> out = pending();
        onDone(v -> next.apply(v).onDone(out::complete));
        return out;
    }

    <U> Async<U> map(Function<? super T, ? extends U> f) {
        if (done) {
            return done(f.apply(value));
        }
        Async<U> out = pending();
        onDone(v -> out.complete(f.apply(v)));
        return out;
    }

    Async<Void> discard() {
        return map(v -> null);
    }

    /**
     * Runs {@code step} over {@code items} one after the other; a step that answers a value stops the loop
     * with it, an empty answer goes on. Steps that complete at once are looped over without recursion.
     */
    static <E, R> Async<Optional<R>> untilStopped(List<E> items, Function<? super E, Async<Optional<R>>> step) {
        Async<Optional<R>> out = pending();
        new Object() {
            int next;

            void run() {
                while (next < items.size()) {
                    Async<Optional<R>> current = step.apply(items.get(next++));
                    if (!current.done) {
                        current.onDone(r -> {
                            if (r.isPresent()) {
                                out.complete(r);
                            } else {
                                run();
                            }
                        });
                        return;
                    }
                    if (current.value.isPresent()) {
                        out.complete(current.value);
                        return;
                    }
                }
                out.complete(Optional.empty());
            }
        }.run();
        return out;
    }

    /** Runs {@code step} over {@code items} one after the other. */
    static <E> Async<Void> forEach(List<E> items, Function<? super E, Async<?>> step) {
        return Async.<E, Object>untilStopped(items, item -> step.apply(item).map(v -> Optional.empty())).discard();
    }
}
