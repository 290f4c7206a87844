package dev.lingon.xen.api;

import java.util.Objects;
import java.util.function.Function;

/**
 * The outcome of a hypercall that yields a value: the value, or the errno Xen would have returned.
 * Expected failures are values, so callers must look at them; {@link #orThrow()} is for callers for
 * whom a failure is a bug.
 */
public sealed interface Result<T> {

    /** Success. {@code value} is null only for a {@code Result<Void>} (see {@link #ok()}). */
    record Ok<T>(T value) implements Result<T> {
    }

    record Err<T>(Errno errno, String detail) implements Result<T> {
        public Err {
            Objects.requireNonNull(errno, "errno");
            if (errno == Errno.OK) {
                throw new IllegalArgumentException("Err needs a failing errno, not OK");
            }
            detail = detail == null ? "" : detail;
        }
    }

    /** Success with a value; use {@link #ok()} for a call that yields none. */
    static <T> Result<T> ok(T value) {
        return new Ok<>(Objects.requireNonNull(value, "value (use Result.ok() for Result<Void>)"));
    }

    /** The success of a call that yields no value. */
    static Result<Void> ok() {
        return Results.OK_VOID;
    }

    static <T> Result<T> err(Errno errno) {
        return new Err<>(errno, "");
    }

    static <T> Result<T> err(Errno errno, String detail) {
        return new Err<>(errno, detail);
    }

    default boolean isOk() {
        return this instanceof Ok;
    }

    /** {@link Errno#OK} for a success, else the failure's errno. */
    default Errno errno() {
        return switch (this) {
            case Ok<T> ok -> Errno.OK;
            case Err<T> err -> err.errno();
        };
    }

    /** The value; throws {@link XenException} for a failure. */
    default T orThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Err<T> err -> throw new XenException(err.errno(),
                    err.detail().isEmpty() ? "hypercall failed" : err.detail());
        };
    }

    default <U> Result<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T> ok -> new Ok<>(f.apply(ok.value()));
            case Err<T> err -> new Err<>(err.errno(), err.detail());
        };
    }
}

/** Shared instances; a separate holder because interface fields cannot be private. */
final class Results {
    static final Result<Void> OK_VOID = new Result.Ok<>(null);

    private Results() {
    }
}
