/**
 * Domain restart policies: what dom0's toolstack does when a Xen domain shuts down, as a pure model.
 *
 * <p>A domain shuts down for a reason ({@link dev.lingon.supervision.api.domain.DomainShutdownReason}, Xen's
 * {@code SHUTDOWN_*}); the domain's configuration maps the reason to an action ({@link
 * dev.lingon.supervision.api.domain.DomainAction}: destroy, restart, rename-restart, preserve,
 * coredump-destroy, coredump-restart, soft-reset) with Xen's defaults (on_poweroff destroy, on_reboot
 * restart, on_watchdog destroy, on_crash destroy, on_soft_reset soft-reset). Above that sits a per-domain
 * restart intensity, the same window a supervisor keeps ({@link dev.lingon.supervision.api.IntensityWindow}):
 * restarts after a crash or a watchdog count, and one past the intensity within the period leaves the domain
 * crashed with a report instead of restarting it again ({@link
 * dev.lingon.supervision.api.domain.DomainDecision.LeaveCrashed}). This is the level above a domain's root
 * supervisor: a root that gives up crashes the domain, and this policy decides what happens next.
 *
 * <p>{@link dev.lingon.supervision.api.domain.DomainRestartPolicy#decide} is pure; {@link
 * dev.lingon.supervision.api.domain.DomainRestartTracker} keeps one domain's window, reads the clock and logs.
 */
package dev.lingon.supervision.api.domain;
