package dev.lingon.xen.api;

/**
 * A hypercall failed where the caller had declared that it must not ({@code Result.orThrow}), or an
 * API was misused. Carries the Xen errno so a handler can still tell EINVAL from ESRCH.
 */
public final class XenException extends RuntimeException {
    private final Errno errno;

    public XenException(Errno errno, String message) {
        super(message + ": " + errno.name() + " (" + errno.rc() + ")");
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
