package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code lingon demo} hands a {@link Demo}: its arguments, the output streams, the control socket
 * and the termination hook of the process. Used by the demo's thread.
 */
public final class DemoContext {

    private final List<String> args;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Path controlSocket;
    private final LingonEnvironment env;

    DemoContext(List<String> args, PrintWriter out, PrintWriter err, Path controlSocket, LingonEnvironment env) {
        this.args = List.copyOf(args);
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.controlSocket = Objects.requireNonNull(controlSocket, "controlSocket");
        this.env = Objects.requireNonNull(env, "env");
    }

    /** The arguments after {@code lingon demo}, options included, as given. */
    public List<String> args() {
        return args;
    }

    /** Standard output; flush after each report so that it shows as it happens. */
    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** Where {@link #serve} listens: {@code --socket}, {@code LINGON_SOCKET} or the default. */
    public Path controlSocket() {
        return controlSocket;
    }

    /**
     * Publishes {@code dom0} on the control socket until the returned server is closed (close it before
     * stopping dom0).
     *
     * @throws dev.lingon.kernel.api.Dom0Exception when another dom0 holds the socket
     */
    public Dom0Server serve(Dom0Api dom0) {
        return Dom0Server.start(dom0, controlSocket);
    }

    /** The launcher {@code lingon run} would use, when one is on the class path. */
    public Optional<Dom0Launcher> launcher() {
        return env.launcher();
    }

    /**
     * Runs {@code hook} when the process is asked to stop (SIGINT, SIGTERM); the process waits for the hook
     * to return before exiting. Answers an action that unregisters it.
     */
    public Runnable onTerminate(Runnable hook) {
        return env.termination().onTerminate(hook);
    }
}
