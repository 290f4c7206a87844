package dev.lingon.supervision.api;

/**
 * Thrown by {@link ProcessContext#link} when the target no longer exists and the caller does not trap
 * exits (Erlang's {@code link/1} fails with {@code noproc}), and by {@link SupervisorRef} calls whose
 * supervisor has exited. Uncaught inside a process, it ends the process with an {@code error} reason.
 */
public final class NoProcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Pid pid;

    public NoProcException(Pid pid) {
        super("noproc: " + pid);
        this.pid = pid;
    }

    public Pid pid() {
        return pid;
    }
}
