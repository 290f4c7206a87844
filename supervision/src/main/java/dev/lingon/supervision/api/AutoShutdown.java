package dev.lingon.supervision.api;

/** When a supervisor shuts itself down (reason {@code shutdown}) because significant children exited by themselves. */
public enum AutoShutdown {
    /** Never; significant children are invalid. */
    NEVER("never"),
    /** When any significant child exits by itself and is not restarted. */
    ANY_SIGNIFICANT("any_significant"),
    /** When the last significant child that has a process exits by itself and is not restarted. */
    ALL_SIGNIFICANT("all_significant");

    private final String otpName;

    AutoShutdown(String otpName) {
        this.otpName = otpName;
    }

    public String otpName() {
        return otpName;
    }
}
