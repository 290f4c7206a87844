package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.config.ConfigException;
import dev.lingon.kernel.config.DomainConfigParser;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The {@code lingon} command: dom0's toolstack on the command line, in the manner of Xen's {@code xl}.
 * {@code run} boots dom0 in the foreground; the other commands drive it from another shell through its
 * control socket. See the package javadoc for the commands, their output and the exit codes.
 */
@Command(name = "lingon", mixinStandardHelpOptions = true, versionProvider = Lingon.Version.class,
        description = {"Lingon's dom0 toolstack, in the manner of Xen's xl.",
                "`run` boots dom0 and its domains in the foreground; the other commands drive it from another shell "
                        + "through its control socket."},
        subcommands = {RunCommand.class, CreateCommand.class, ListCommand.class, ConsoleCommand.class,
                LifecycleCommands.Shutdown.class, LifecycleCommands.Reboot.class, LifecycleCommands.Destroy.class,
                LifecycleCommands.Pause.class, LifecycleCommands.Unpause.class, TopCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:the command failed (unknown domain, dom0 not running, bad config, ...)",
                "2:wrong usage"})
public final class Lingon implements Callable<Integer> {

    /** The command failed; the reason is on standard error. */
    public static final int EXIT_FAILED = 1;
    /** The command line was wrong. */
    public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "dom0's control socket (default: $LINGON_SOCKET, else $XDG_RUNTIME_DIR/lingon/dom0.sock, "
                    + "else /tmp/lingon-$USER/dom0.sock)")
    Path socketOption;

    private final LingonEnvironment env;

    public Lingon(LingonEnvironment env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Runs the CLI in this process and exits with its code. */
    public static void main(String[] args) {
        useCliLogging();
        // In the encodings the JVM chose for the terminal (stdout.encoding, stderr.encoding).
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        int code = execute(LingonEnvironment.system(), out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one command line against {@code env}, printing to {@code out} and {@code err}, and answers the
     * exit code (0 success, 1 failure with one line on {@code err}, 2 wrong usage).
     */
    public static int execute(LingonEnvironment env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Lingon(env));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter e = commandLine.getErr();
            int code = switch (ex) {
                case Dom0Exception d -> {
                    e.println("lingon: " + d.getMessage());
                    yield EXIT_FAILED;
                }
                case ConfigException c -> {
                    e.println("lingon: " + c.getMessage());
                    yield EXIT_FAILED;
                }
                case InterruptedException i -> {
                    e.println("lingon: interrupted");
                    yield EXIT_FAILED;
                }
                default -> {
                    if (env.variables().containsKey("LINGON_DEBUG")) {
                        e.println("lingon: unexpected error: " + ex);
                        ex.printStackTrace(e);
                    } else {
                        e.println("lingon: unexpected error: " + ex + " (LINGON_DEBUG=1 shows the stack trace)");
                    }
                    yield EXIT_FAILED;
                }
            };
            e.flush();
            return code;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** {@code lingon} alone: the usage, as a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    LingonEnvironment env() {
        return env;
    }

    /** The control socket this invocation uses. */
    Path socket() {
        return ControlSocket.resolve(Optional.ofNullable(socketOption), env.variables(), env.user());
    }

    /** The running dom0, through its control socket. */
    Dom0Api dom0() {
        return new Dom0Client(socket());
    }

    /** The parser for config files named on the command line: it also checks the application class is here. */
    static DomainConfigParser configParser() {
        return DomainConfigParser.checkingApplications(Lingon.class.getClassLoader());
    }

    /**
     * The CLI's standard output is its product, so library logging goes to standard error at WARN (level
     * from {@code LINGON_LOG_LEVEL}) unless the class path or the user configures logback otherwise.
     */
    private static void useCliLogging() {
        if (System.getProperty("logback.configurationFile") == null
                && Lingon.class.getClassLoader().getResource("logback.xml") == null) {
            System.setProperty("logback.configurationFile", "dev/lingon/kernel/cli/logback-cli.xml");
        }
    }

    /** {@code lingon --version}: the version of the actor-kernel jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Lingon.class.getPackage().getImplementationVersion();
            return new String[] {"lingon " + (v == null ? "(development build)" : v)};
        }
    }
}
