package dev.lingon.supervision.internal;

/** Raised by {@code Processes.ignore()}: the process's init answers {@code ignore}. Control flow only. */
public final class InitIgnored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InitIgnored() {
        super("ignore", null, false, false);
    }
}
