package dev.lingon.xen.api;

/**
 * A XenStore watch firing ({@code XS_WATCH_EVENT}): the path that changed (or the watched path
 * itself, for the event every watch fires once at registration) and the token given to {@code watch}.
 * Watches may fire spuriously, so a receiver re-reads the node instead of trusting the event.
 */
public record WatchEvent(String path, String token) {
}
