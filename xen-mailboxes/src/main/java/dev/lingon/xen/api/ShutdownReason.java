package dev.lingon.xen.api;

/** {@code SHUTDOWN_*} codes ({@code xen/include/public/sched.h}). */
public enum ShutdownReason {
    POWEROFF(0),
    REBOOT(1),
    SUSPEND(2),
    CRASH(3),
    WATCHDOG(4),
    SOFT_RESET(5);

    private final int code;

    ShutdownReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The lower-case name xl and xl.cfg use ({@code poweroff}, {@code soft_reset} …). */
    public String xlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ShutdownReason of(int code) {
        for (ShutdownReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("no SHUTDOWN_ code " + code);
    }
}
