package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * What the {@code lingon} CLI takes from the process it runs in: environment variables, the user, the
 * {@link Dom0Launcher} and {@link Demo} hooks, how it learns of SIGINT/SIGTERM, and how it waits. The
 * {@link #system()} environment reads the real process; tests replace parts with the {@code with…}
 * methods. Immutable.
 */
public final class LingonEnvironment {

    /** How {@code lingon run} learns that the process is asked to stop. */
    @FunctionalInterface
    public interface Termination {
        /**
         * Arranges for {@code hook} to run when the process is asked to stop; the process waits for it to
         * return. Answers an action that unregisters the hook (harmless once the process is stopping).
         */
        Runnable onTerminate(Runnable hook);

        /** JVM shutdown hooks: SIGINT, SIGTERM, SIGHUP and {@code System.exit}. */
        static Termination shutdownHooks() {
            return hook -> {
                Thread t = Thread.ofPlatform().name("lingon-shutdown").unstarted(hook);
                Runtime.getRuntime().addShutdownHook(t);
                return () -> {
                    try {
                        Runtime.getRuntime().removeShutdownHook(t);
                    } catch (IllegalStateException alreadyShuttingDown) {
                        // The hook is running or has run; nothing to undo.
                    }
                };
            };
        }
    }

    /** How commands wait between polls and refreshes: the CLI's one use of the wall clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        static Sleeper real() {
            return d -> Thread.sleep(d);
        }
    }

    private final Map<String, String> variables;
    private final String user;
    private final Supplier<List<Dom0Launcher>> launchers;
    private final Supplier<List<Demo>> demos;
    private final Termination termination;
    private final Sleeper sleeper;
    private final Duration pollInterval;
    private final boolean terminal;

    private LingonEnvironment(Map<String, String> variables, String user, Supplier<List<Dom0Launcher>> launchers,
                              Supplier<List<Demo>> demos, Termination termination, Sleeper sleeper, Duration pollInterval,
                              boolean terminal) {
        this.variables = Map.copyOf(variables);
        this.user = Objects.requireNonNull(user, "user");
        this.launchers = Objects.requireNonNull(launchers, "launchers");
        this.demos = Objects.requireNonNull(demos, "demos");
        this.termination = Objects.requireNonNull(termination, "termination");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
        this.terminal = terminal;
    }

    /**
     * The real process: {@code System.getenv()}, {@code user.name}, hooks found by {@link ServiceLoader},
     * JVM shutdown hooks, the wall clock, polls every 200 ms, and whether standard output is a terminal.
     */
    public static LingonEnvironment system() {
        java.io.Console console = System.console();
        return new LingonEnvironment(System.getenv(), System.getProperty("user.name", "unknown"),
                () -> load(Dom0Launcher.class), () -> load(Demo.class), Termination.shutdownHooks(), Sleeper.real(),
                Duration.ofMillis(200), console != null && console.isTerminal());
    }

    private static <T> List<T> load(Class<T> type) {
        return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get).toList();
    }

    public LingonEnvironment withVariables(Map<String, String> v) {
        return new LingonEnvironment(v, user, launchers, demos, termination, sleeper, pollInterval, terminal);
    }

    public LingonEnvironment withUser(String u) {
        return new LingonEnvironment(variables, u, launchers, demos, termination, sleeper, pollInterval, terminal);
    }

    /** Uses {@code l} for {@code lingon run} instead of looking one up. */
    public LingonEnvironment withLauncher(Dom0Launcher l) {
        Objects.requireNonNull(l, "launcher");
        return new LingonEnvironment(variables, user, () -> List.of(l), demos, termination, sleeper, pollInterval, terminal);
    }

    /** Uses these launchers as if found on the class path (none, one, or several). */
    public LingonEnvironment withLaunchers(List<Dom0Launcher> ls) {
        List<Dom0Launcher> copy = List.copyOf(ls);
        return new LingonEnvironment(variables, user, () -> copy, demos, termination, sleeper, pollInterval, terminal);
    }

    /** Uses these demos as if found on the class path (none, one, or several). */
    public LingonEnvironment withDemos(List<Demo> ds) {
        List<Demo> copy = List.copyOf(ds);
        return new LingonEnvironment(variables, user, launchers, () -> copy, termination, sleeper, pollInterval, terminal);
    }

    public LingonEnvironment withTermination(Termination t) {
        return new LingonEnvironment(variables, user, launchers, demos, t, sleeper, pollInterval, terminal);
    }

    public LingonEnvironment withSleeper(Sleeper s) {
        return new LingonEnvironment(variables, user, launchers, demos, termination, s, pollInterval, terminal);
    }

    /** How often {@code console} and {@code run --exit-when-idle} look at the domain list. */
    public LingonEnvironment withPollInterval(Duration d) {
        return new LingonEnvironment(variables, user, launchers, demos, termination, sleeper, d, terminal);
    }

    /** Whether standard output is a terminal ({@code top} then redraws the screen). */
    public LingonEnvironment withTerminal(boolean t) {
        return new LingonEnvironment(variables, user, launchers, demos, termination, sleeper, pollInterval, t);
    }

    public Map<String, String> variables() {
        return variables;
    }

    public String user() {
        return user;
    }

    /** The dom0 launcher, if one is on the class path; several are refused with their names. */
    public Optional<Dom0Launcher> launcher() {
        return single(launchers.get(), "dom0 launchers (" + Dom0Launcher.class.getName() + ")");
    }

    /** The demo, if one is on the class path; several are refused with their names. */
    public Optional<Demo> demo() {
        return single(demos.get(), "demos (" + Demo.class.getName() + ")");
    }

    public Termination termination() {
        return termination;
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public boolean terminal() {
        return terminal;
    }

    private static <T> Optional<T> single(List<T> found, String what) {
        if (found.size() > 1) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "several " + what + " are on the class path: "
                    + found.stream().map(f -> f.getClass().getName()).toList() + "; keep one");
        }
        return found.stream().findFirst();
    }
}
