package dev.lingon.supervision.api;

/** Whether a child is a worker or a supervisor (sets the default shutdown and the counts). */
public enum ChildType {
    WORKER("worker"),
    SUPERVISOR("supervisor");

    private final String otpName;

    ChildType(String otpName) {
        this.otpName = otpName;
    }

    public String otpName() {
        return otpName;
    }
}
