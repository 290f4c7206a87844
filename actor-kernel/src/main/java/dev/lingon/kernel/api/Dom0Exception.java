package dev.lingon.kernel.api;

/** A toolstack request that cannot be carried out, with a message for the user. */
public final class Dom0Exception extends RuntimeException {

    public enum Kind {
        /** No domain of that name or id. */
        UNKNOWN_DOMAIN,
        /** A domain of that name exists already. */
        ALREADY_EXISTS,
        /** The domain config is wrong. */
        BAD_CONFIG,
        /** dom0 is not running (no control socket). */
        DOM0_NOT_RUNNING,
        /** The operation does not apply in the domain's state (e.g. unpause of a running domain). */
        WRONG_STATE,
        /** Anything else: the message says what. */
        FAILED
    }

    private final Kind kind;

    public Dom0Exception(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Dom0Exception(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
