package dev.lingon.xen.api;

/**
 * The one place where faults enter the hypervisor: every hypercall and every notification between
 * domains passes here when an interceptor is installed, so a seeded chaos plan can drop or delay
 * notifications, refuse grant maps, hold back ring publication, or crash the calling domain.
 * With no interceptor installed (the default) the hypervisor pays one null check per call.
 *
 * <p>Called on the thread making the hypercall, outside hypervisor locks where possible; an
 * implementation must be thread-safe and must not call back into the hypervisor from
 * {@link #onNotify}. Every method has a do-nothing default.
 */
public interface FaultInterceptor {

    /** What to do with one notification (an event-channel raise caused by a send). */
    enum NotifyAction {
        /** Raise the port as usual. */
        DELIVER,
        /** Lose it: the port is not raised (a lost or merged notification). */
        DROP,
        /** Hold it back until {@link Hypervisor#releaseDeferredNotifications()} (a delayed notification). */
        DEFER
    }

    /** What to do with a hypercall before it runs. */
    enum HypercallAction {
        PROCEED,
        /** Crash the calling domain (shutdown reason crash) instead of running the call; the call fails with ESRCH. */
        CRASH_CALLER
    }

    default HypercallAction onHypercall(int callerDomid, Hypercall call) {
        return HypercallAction.PROCEED;
    }

    default NotifyAction onNotify(int fromDomid, int fromPort, int toDomid, int toPort) {
        return NotifyAction.DELIVER;
    }

    /** Return anything but {@code GNTST_okay} to refuse the map with that code. */
    default GntStatus onGrantMap(int mapperDomid, int granterDomid, int ref, boolean readonly) {
        return GntStatus.GNTST_okay;
    }

    /**
     * A vchan writer is about to publish {@code bytes} new bytes (advance its producer index). Return
     * false to hold them back: they are written but stay invisible to the reader until the writer's
     * next publication or {@code flush}.
     */
    default boolean onRingPublish(int writerDomid, int port, int bytes) {
        return true;
    }
}
