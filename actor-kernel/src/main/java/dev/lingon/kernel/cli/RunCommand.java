package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.config.DomainConfigParser;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code lingon run [CONFIG…]}: dom0 in the foreground. In order: every config is parsed (a bad one
 * stops everything before dom0 boots); the control socket is taken (refused while another dom0 holds
 * it); dom0 boots through the {@link Dom0Launcher}; the domains are created in the order given; the
 * control socket starts answering; the domain list is printed. Then it stays until SIGINT/SIGTERM, or
 * with {@code --exit-when-idle} until no domain but dom0 is left, and stops in reverse: the control
 * socket closes, then dom0 (which destroys its domains).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Boot dom0 in the foreground with the domains of the given config files, "
        + "and serve its control socket until Ctrl-C."})
final class RunCommand implements java.util.concurrent.Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How long a SIGINT/SIGTERM waits for dom0 to stop before the JVM exits regardless. */
    static final long STOP_GRACE_SECONDS = 30;

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONFIG", arity = "0..*", description = "domain config files (xl.cfg style)")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "BACKEND",
            description = "where every domain given here runs, whatever its config says: inproc (in dom0's JVM) or process (each in its own JVM)")
    String backend;

    @Option(names = "--exit-when-idle", description = "stop dom0 once no domain but dom0 is left")
    boolean exitWhenIdle;

    @Option(names = {"-c", "--console"}, description = "follow every domain's console here, each line after [name]")
    boolean console;

    @Override
    public Integer call() throws Exception {
        LingonEnvironment env = lingon.env();
        PrintWriter out = spec.commandLine().getOut();
        List<DomainSpec> specs = parseAll();
        Dom0Launcher launcher = env.launcher().orElseThrow(() -> new Dom0Exception(Dom0Exception.Kind.FAILED,
                "no dom0 toolstack on the class path: `lingon run` needs a " + Dom0Launcher.class.getName()
                        + " service (the actor-kernel toolstack provides one)"));
        ControlSocket socket = ControlSocket.bind(lingon.socket());
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable unregister = env.termination().onTerminate(() -> {
            stop.countDown();
            try {
                if (!stopped.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("dom0 did not stop within {} s; exiting regardless", STOP_GRACE_SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        RunningDom0 dom0 = null;
        Dom0Server server = null;
        Map<Integer, AutoCloseable> followed = new HashMap<>();
        try {
            dom0 = boot(launcher);
            Dom0Api api = dom0.api();
            for (DomainSpec s : specs) {
                api.create(s);
            }
            server = Dom0Server.start(api, socket);
            List<DomainStatus> domains = api.list();
            Tables.list(out, domains);
            out.println("dom0 is running; control socket " + socket.path() + ". Ctrl-C stops dom0 and its domains.");
            out.flush();
            if (console) {
                followNew(api, domains, followed, out);
            }
            while (!stop.await(env.pollInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                if (!exitWhenIdle && !console) {
                    continue;
                }
                domains = api.list();
                if (console) {
                    followNew(api, domains, followed, out);
                }
                if (exitWhenIdle && domains.stream().allMatch(d -> d.domid() == 0)) {
                    out.println("No domain is left; stopping dom0.");
                    break;
                }
            }
            return 0;
        } finally {
            followed.values().forEach(RunCommand::closeQuietly);
            if (server != null) {
                server.close();
            } else {
                socket.close();
            }
            if (dom0 != null) {
                dom0.close();
            }
            if (server != null) {
                out.println("dom0 stopped.");
                out.flush();
            }
            stopped.countDown();
            unregister.run();
        }
    }

    /** Parses every config first, and refuses two that name the same domain. */
    private List<DomainSpec> parseAll() {
        DomainConfigParser parser = Lingon.configParser();
        List<DomainSpec> specs = new ArrayList<>();
        Map<String, DomainSpec> byName = new HashMap<>();
        DomainSpec.Backend forced = null;
        if (backend != null) {
            forced = switch (backend.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "inproc" -> DomainSpec.Backend.INPROC;
                case "process" -> DomainSpec.Backend.PROCESS;
                default -> throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, "--backend takes inproc or process; got '" + backend + "'");
            };
        }
        for (Path p : configs) {
            DomainSpec s = parser.parse(p);
            if (forced != null) {
                s = s.withBackend(forced);
            }
            DomainSpec first = byName.putIfAbsent(s.name(), s);
            if (first != null) {
                throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, first.source() + " and " + s.source()
                        + " both describe domain " + s.name() + "; domain names must be unique");
            }
            specs.add(s);
        }
        return specs;
    }

    private static RunningDom0 boot(Dom0Launcher launcher) {
        try {
            return launcher.start();
        } catch (Dom0Exception e) {
            throw e;
        } catch (Exception e) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "dom0 did not boot: " + e.getMessage(), e);
        }
    }

    /**
     * Follows the consoles of domains not followed yet (new ones, and restarted ones under their new id),
     * and lets go of those that are gone.
     */
    private static void followNew(Dom0Api api, List<DomainStatus> domains, Map<Integer, AutoCloseable> followed,
                                  PrintWriter out) {
        Set<Integer> present = new HashSet<>();
        for (DomainStatus d : domains) {
            if (d.domid() == 0) {
                continue;
            }
            present.add(d.domid());
            if (!followed.containsKey(d.domid())) {
                try {
                    followed.put(d.domid(), api.console(Integer.toString(d.domid()), true,
                            ConsoleCommand.printer(out, "[" + d.name() + "] ")));
                } catch (Dom0Exception e) {
                    // Gone between the list and here; the next list will not show it.
                    log.debug("Not following the console of {}: {}", d.name(), e.getMessage());
                }
            }
        }
        followed.entrySet().removeIf(e -> {
            if (present.contains(e.getKey())) {
                return false;
            }
            closeQuietly(e.getValue());
            return true;
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", c, e.toString());
        }
    }
}
