package dev.lingon.kernel.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * POSIX signals to a domain's process through {@code kill(2)} (FFM): {@code SIGSTOP} and {@code SIGCONT}
 * are how a process domain is paused and unpaused — every thread stops at once, as a paused VM's
 * vCPUs are descheduled — and Java has no API for them. Linux numbers.
 */
public final class Signals {
    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int SIGCONT = 18;
    public static final int SIGSTOP = 19;

    private static final MethodHandle KILL;

    static {
        MethodHandle h = null;
        if (System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            Linker linker = Linker.nativeLinker();
            h = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        }
        KILL = h;
    }

    private Signals() {
    }

    /**
     * Sends {@code signal} to process {@code pid}.
     *
     * @return whether it was delivered (false: no such process, or not ours)
     * @throws UnsupportedOperationException off Linux
     */
    public static boolean send(long pid, int signal) {
        if (KILL == null) {
            throw new UnsupportedOperationException("signals to domain processes are implemented for Linux only; this is "
                    + System.getProperty("os.name"));
        }
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a process id: " + pid);
        }
        try {
            return (int) KILL.invokeExact((int) pid, signal) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill(" + pid + ", " + signal + ") failed: " + t, t);
        }
    }
}
