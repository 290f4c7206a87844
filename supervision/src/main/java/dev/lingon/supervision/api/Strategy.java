package dev.lingon.supervision.api;

/** A supervisor's restart strategy. */
public enum Strategy {
    /** Restart only the child that exited. */
    ONE_FOR_ONE("one_for_one"),
    /** Stop all other children (reverse start order), then start them all again (start order). */
    ONE_FOR_ALL("one_for_all"),
    /** Stop the children started after the one that exited (reverse order), then restart it and them. */
    REST_FOR_ONE("rest_for_one"),
    /** One dynamic child spec; children are added with {@code start_child(args)} and restarted one by one. */
    SIMPLE_ONE_FOR_ONE("simple_one_for_one");

    private final String otpName;

    Strategy(String otpName) {
        this.otpName = otpName;
    }

    public String otpName() {
        return otpName;
    }
}
