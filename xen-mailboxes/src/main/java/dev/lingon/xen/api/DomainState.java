package dev.lingon.xen.api;

/** Domain states as {@code xl list} shows them, with its letters. */
public enum DomainState {
    RUNNING('r'),
    BLOCKED('b'),
    PAUSED('p'),
    SHUTDOWN('s'),
    CRASHED('c'),
    DYING('d');

    private final char letter;

    DomainState(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }

    /** True for states in which guest code may run or wait for events. */
    public boolean isLive() {
        return this == RUNNING || this == BLOCKED || this == PAUSED;
    }
}
