package dev.lingon.kernel.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runs {@code lingon} command lines through {@link Lingon#execute}, capturing the output. */
final class Cli {

    private Cli() {
    }

    /** What a command printed and answered. */
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** A command running on its own thread (run, console), whose output can be watched as it grows. */
    static final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        private final Thread thread;
        private volatile Integer code;

        Running(LingonEnvironment env, String... args) {
            thread = Thread.ofPlatform().name("lingon " + String.join(" ", args)).start(
                    () -> code = Lingon.execute(env, new PrintWriter(out), new PrintWriter(err), args));
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }

        boolean finished() {
            return code != null;
        }

        Result result() throws InterruptedException {
            thread.join(Duration.ofSeconds(10));
            if (code == null) {
                throw new AssertionError("the command did not finish; output so far:\n" + out() + err());
            }
            return new Result(code, out(), err());
        }
    }

    static Result run(LingonEnvironment env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Lingon.execute(env, new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** An environment that looks nowhere outside the test: socket at {@code socket}, no hooks, fast polls. */
    static LingonEnvironment env(Path socket, TestTermination termination) {
        return LingonEnvironment.system()
                .withVariables(Map.of("LINGON_SOCKET", socket.toString()))
                .withUser("tester")
                .withLaunchers(List.of())
                .withDemos(List.of())
                .withTermination(termination)
                .withPollInterval(Duration.ofMillis(10))
                .withTerminal(false);
    }

    /** SIGINT/SIGTERM for tests: hooks are kept and run by {@link #fire()}, each on its own thread as the JVM does. */
    static final class TestTermination implements LingonEnvironment.Termination {
        private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

        @Override
        public Runnable onTerminate(Runnable hook) {
            hooks.add(hook);
            return () -> hooks.remove(hook);
        }

        int registered() {
            return hooks.size();
        }

        /** Runs the hooks and waits for them, as the JVM waits before exiting. */
        void fire() throws InterruptedException {
            List<Thread> running = hooks.stream().map(h -> Thread.ofPlatform().name("test-shutdown-hook").start(h)).toList();
            for (Thread t : running) {
                t.join();
            }
        }
    }
}
