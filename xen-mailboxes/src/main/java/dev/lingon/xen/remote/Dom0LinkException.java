package dev.lingon.xen.remote;

/**
 * A domain's process cannot reach dom0: the link was refused, dropped, or dom0 did not answer in time.
 * The message names the domain and the call. Nothing the domain does can repair the link (its launch
 * token is spent), so a kernel that sees this shuts the domain down: dom0 treats the dropped link as
 * the domain's crash.
 */
public final class Dom0LinkException extends RuntimeException {
    public Dom0LinkException(String message) {
        super(message);
    }

    public Dom0LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
