package dev.lingon.xen.remote;

import dev.lingon.xen.api.Errno;

import java.util.Optional;

/**
 * A domain's process cannot reach dom0: the link was refused, dropped, or dom0 did not answer in time.
 * The message names the domain and the call. Nothing the domain does can repair the link (its launch
 * token is spent), so a kernel that sees this shuts the domain down: dom0 treats the dropped link as
 * the domain's crash.
 */
public final class Dom0LinkException extends RuntimeException {
    private final Errno refusal;

    public Dom0LinkException(String message) {
        super(message);
        this.refusal = null;
    }

    public Dom0LinkException(String message, Throwable cause) {
        super(message, cause);
        this.refusal = null;
    }

    /** dom0 refused the hello with {@code refusal} (EACCES wrong or spent token, ESRCH no such domain, EINVAL bad hello). */
    public Dom0LinkException(String message, Errno refusal) {
        super(message);
        this.refusal = refusal;
    }

    /** The errno of dom0's refusal, when the link failed because dom0 refused the hello. */
    public Optional<Errno> refusal() {
        return Optional.ofNullable(refusal);
    }
}
