package dev.lingon.supervision.api;

import java.util.Objects;

/**
 * Why a process exited, or the reason carried by an exit signal: Erlang's exit reasons as a closed set.
 *
 * <p>{@code normal}, {@code shutdown} and {@code {shutdown, Term}} are the "expected" reasons: a transient
 * child is not restarted after them and a supervisor does not report them. {@code kill} only ever travels
 * as a signal: sent explicitly with {@code exit(Pid, kill)} it cannot be trapped and ends the target with
 * {@code killed}; arriving through a link (a linked process exited with reason {@code kill}) it is an
 * ordinary, trappable reason. {@code noproc} is what a monitor or link reports for a process that was
 * already gone. Everything else is an {@link Error}: a crash (the cause is the {@link Throwable}) or an
 * explicit exit with any other term.
 *
 * <p>Values are immutable and safe to share between threads.
 */
public sealed interface ExitReason {

    /** {@code normal}: the process finished its work. */
    record Normal() implements ExitReason {
        @Override
        public String toString() {
            return "normal";
        }
    }

    /** {@code shutdown}: the process was asked to stop, by its supervisor or its parent. */
    record Shutdown() implements ExitReason {
        @Override
        public String toString() {
            return "shutdown";
        }
    }

    /** {@code {shutdown, Term}}: an orderly stop that carries a term, e.g. a supervisor's failed start. */
    record ShutdownWith(Object term) implements ExitReason {
        public ShutdownWith {
            Objects.requireNonNull(term, "term");
        }

        @Override
        public String toString() {
            return "{shutdown," + term + "}";
        }
    }

    /** {@code kill}: the untrappable signal when sent explicitly; a plain reason when it arrives through a link. */
    record Kill() implements ExitReason {
        @Override
        public String toString() {
            return "kill";
        }
    }

    /** {@code killed}: the process was ended by an explicit {@code kill}. */
    record Killed() implements ExitReason {
        @Override
        public String toString() {
            return "killed";
        }
    }

    /** {@code noproc}: the process did not exist (any more) when it was linked to or monitored. */
    record NoProc() implements ExitReason {
        @Override
        public String toString() {
            return "noproc";
        }
    }

    /** Any other reason: a crash (cause is the {@link Throwable}) or an exit with an arbitrary term. */
    record Error(Object cause) implements ExitReason {
        public Error {
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String toString() {
            return String.valueOf(cause);
        }
    }

    ExitReason NORMAL = new Normal();
    ExitReason SHUTDOWN = new Shutdown();
    ExitReason KILL = new Kill();
    ExitReason KILLED = new Killed();
    ExitReason NOPROC = new NoProc();

    static ExitReason normal() {
        return NORMAL;
    }

    static ExitReason shutdown() {
        return SHUTDOWN;
    }

    static ExitReason shutdown(Object term) {
        return new ShutdownWith(term);
    }

    static ExitReason kill() {
        return KILL;
    }

    static ExitReason killed() {
        return KILLED;
    }

    static ExitReason noproc() {
        return NOPROC;
    }

    static ExitReason error(Object cause) {
        return new Error(cause);
    }

    /**
     * True for every reason except {@code normal}, {@code shutdown} and {@code {shutdown, Term}}: the
     * reasons after which a transient child is restarted and a supervisor writes a report.
     */
    default boolean isAbnormal() {
        return switch (this) {
            case Normal n -> false;
            case Shutdown s -> false;
            case ShutdownWith s -> false;
            case Kill k -> true;
            case Killed k -> true;
            case NoProc n -> true;
            case Error e -> true;
        };
    }
}
