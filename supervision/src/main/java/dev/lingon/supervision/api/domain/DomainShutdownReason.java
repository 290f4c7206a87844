package dev.lingon.supervision.api.domain;

/**
 * Why a Xen domain shut down: the {@code SHUTDOWN_*} codes of {@code xen/include/public/sched.h}, which a
 * guest passes to {@code SCHEDOP_shutdown} (or the hypervisor sets, for crash and watchdog).
 */
public enum DomainShutdownReason {
    POWEROFF(0, "poweroff"),
    REBOOT(1, "reboot"),
    SUSPEND(2, "suspend"),
    CRASH(3, "crash"),
    WATCHDOG(4, "watchdog"),
    SOFT_RESET(5, "soft_reset");

    private final int code;
    private final String xenName;

    DomainShutdownReason(int code, String xenName) {
        this.code = code;
        this.xenName = xenName;
    }

    /** The {@code SHUTDOWN_*} value. */
    public int code() {
        return code;
    }

    public String xenName() {
        return xenName;
    }

    /**
     * Crash and watchdog: the guest did not choose to stop. Only restarts after these count against a
     * domain's restart intensity, the way a supervisor ignores a transient child's orderly exits.
     */
    public boolean isAbnormal() {
        return this == CRASH || this == WATCHDOG;
    }

    public static DomainShutdownReason fromCode(int code) {
        for (DomainShutdownReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("no SHUTDOWN_* reason " + code);
    }
}
