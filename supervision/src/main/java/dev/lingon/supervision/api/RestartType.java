package dev.lingon.supervision.api;

/** When a child that exited is restarted. */
public enum RestartType {
    /** Always restarted, even after {@code normal}. */
    PERMANENT("permanent"),
    /** Restarted only after an abnormal exit (not {@code normal}, {@code shutdown}, {@code {shutdown,_}}). */
    TRANSIENT("transient"),
    /** Never restarted, not even when a sibling's failure stopped it; its spec is removed when it exits. */
    TEMPORARY("temporary");

    private final String otpName;

    RestartType(String otpName) {
        this.otpName = otpName;
    }

    public String otpName() {
        return otpName;
    }
}
