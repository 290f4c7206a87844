package dev.lingon.supervision.api.domain;

import dev.lingon.supervision.api.IntensityWindow;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A domain's shutdown actions (xl.cfg's {@code on_*}) and its restart intensity, as a pure model for the
 * toolstack to apply. Xen's defaults: on_poweroff destroy, on_reboot restart, on_watchdog destroy, on_crash
 * destroy, on_soft_reset soft-reset. The restart intensity is Lingon's addition, the dom0 counterpart of a
 * supervisor's: restarts caused by a crash or a watchdog are counted in an {@link IntensityWindow}
 * (default 1 per 5 s, as OTP's supervisors); one more than the intensity within the period and the domain
 * is left crashed, with a report, instead of crash-looping. Restarts the guest asked for (reboot) are not
 * counted.
 *
 * <p>Immutable.
 */
public record DomainRestartPolicy(DomainAction onPoweroff, DomainAction onReboot, DomainAction onWatchdog,
                                  DomainAction onCrash, DomainAction onSoftReset, int intensity, Duration period) {

    public DomainRestartPolicy {
        Objects.requireNonNull(onPoweroff, "onPoweroff");
        Objects.requireNonNull(onReboot, "onReboot");
        Objects.requireNonNull(onWatchdog, "onWatchdog");
        Objects.requireNonNull(onCrash, "onCrash");
        Objects.requireNonNull(onSoftReset, "onSoftReset");
        Objects.requireNonNull(period, "period");
        // Validates intensity and period the way a supervisor's are validated.
        IntensityWindow.of(intensity, periodSeconds(period));
    }

    /** Xen's defaults, with a restart intensity of 1 per 5 s. */
    public static DomainRestartPolicy defaults() {
        return new DomainRestartPolicy(DomainAction.DESTROY, DomainAction.RESTART, DomainAction.DESTROY,
                DomainAction.DESTROY, DomainAction.SOFT_RESET, 1, Duration.ofSeconds(5));
    }

    public DomainRestartPolicy withOnPoweroff(DomainAction action) {
        return new DomainRestartPolicy(action, onReboot, onWatchdog, onCrash, onSoftReset, intensity, period);
    }

    public DomainRestartPolicy withOnReboot(DomainAction action) {
        return new DomainRestartPolicy(onPoweroff, action, onWatchdog, onCrash, onSoftReset, intensity, period);
    }

    public DomainRestartPolicy withOnWatchdog(DomainAction action) {
        return new DomainRestartPolicy(onPoweroff, onReboot, action, onCrash, onSoftReset, intensity, period);
    }

    public DomainRestartPolicy withOnCrash(DomainAction action) {
        return new DomainRestartPolicy(onPoweroff, onReboot, onWatchdog, action, onSoftReset, intensity, period);
    }

    public DomainRestartPolicy withOnSoftReset(DomainAction action) {
        return new DomainRestartPolicy(onPoweroff, onReboot, onWatchdog, onCrash, action, intensity, period);
    }

    public DomainRestartPolicy withIntensity(int restarts, Duration within) {
        return new DomainRestartPolicy(onPoweroff, onReboot, onWatchdog, onCrash, onSoftReset, restarts, within);
    }

    /** The configured action for a shutdown reason; none for suspend. */
    public Optional<DomainAction> actionFor(DomainShutdownReason reason) {
        return switch (reason) {
            case POWEROFF -> Optional.of(onPoweroff);
            case REBOOT -> Optional.of(onReboot);
            case SUSPEND -> Optional.empty();
            case CRASH -> Optional.of(onCrash);
            case WATCHDOG -> Optional.of(onWatchdog);
            case SOFT_RESET -> Optional.of(onSoftReset);
        };
    }

    /** An empty restart window for a new domain. */
    public IntensityWindow newWindow() {
        return IntensityWindow.of(intensity, periodSeconds(period));
    }

    /**
     * The decision for a domain that shut down for {@code reason} at {@code nowSeconds} (a monotonic clock
     * in whole seconds), given the domain's restart window so far.
     */
    public DomainDecision decide(DomainShutdownReason reason, IntensityWindow window, long nowSeconds) {
        Objects.requireNonNull(window, "window");
        Optional<DomainAction> configured = actionFor(reason);
        if (configured.isEmpty()) {
            return new DomainDecision.Suspended(window);
        }
        DomainAction action = configured.get();
        if (!reason.isAbnormal() || !action.startsNewDomain()) {
            return new DomainDecision.Apply(reason, action, window);
        }
        IntensityWindow.Outcome outcome = window.addRestart(nowSeconds);
        return outcome.exceeded()
                ? new DomainDecision.LeaveCrashed(reason, action, outcome.window())
                : new DomainDecision.Apply(reason, action, outcome.window());
    }

    private static int periodSeconds(Duration period) {
        if (period.toNanos() % 1_000_000_000L != 0 || period.getSeconds() < 1) {
            throw new IllegalArgumentException("period must be a whole number of seconds >= 1, got " + period);
        }
        return Math.toIntExact(period.getSeconds());
    }
}
