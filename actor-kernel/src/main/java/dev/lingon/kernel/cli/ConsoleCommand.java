package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code lingon console DOMAIN [--no-follow]}: the domain's console lines kept by dom0, then (unless
 * {@code --no-follow}) its new lines as they come, until the domain is gone or Ctrl-C. The console stays
 * with the domain instance named at the start: when a domain restarts it gets a new id, and this ends.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = "Print a domain's console, then follow it until the domain is gone (Ctrl-C to leave).")
final class ConsoleCommand implements Callable<Integer> {

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DOMAIN", description = "domain name or id")
    String domain;

    @Option(names = "--no-follow", description = "print the lines kept so far and return")
    boolean noFollow;

    @Override
    public Integer call() throws Exception {
        Dom0Api dom0 = lingon.dom0();
        DomainStatus d = Domains.require(dom0.list(), domain);
        PrintWriter out = spec.commandLine().getOut();
        if (noFollow) {
            try (AutoCloseable _ = dom0.console(Integer.toString(d.domid()), false, printer(out, ""))) {
                return 0;
            }
        }
        return follow(dom0, d, out, spec.commandLine().getErr(), lingon.env());
    }

    /**
     * Follows {@code d}'s console onto {@code out} until the domain (that domid) is gone: 0 then, 1 if dom0
     * went away first.
     */
    static int follow(Dom0Api dom0, DomainStatus d, PrintWriter out, PrintWriter err, LingonEnvironment env) throws Exception {
        try (AutoCloseable _ = dom0.console(Integer.toString(d.domid()), true, printer(out, ""))) {
            // Dom0Api has no end-of-console signal, so the domain list says when the domain has gone.
            while (true) {
                env.sleeper().sleep(env.pollInterval());
                try {
                    if (Domains.byDomid(dom0.list(), d.domid()).isEmpty()) {
                        return 0;
                    }
                } catch (Dom0Exception e) {
                    if (e.kind() != Dom0Exception.Kind.DOM0_NOT_RUNNING) {
                        throw e;
                    }
                    err.println("lingon: dom0 stopped");
                    err.flush();
                    return Lingon.EXIT_FAILED;
                }
            }
        }
    }

    /** Prints each line at once (a console is watched live), after {@code prefix}. */
    static Consumer<String> printer(PrintWriter out, String prefix) {
        return line -> {
            synchronized (out) {
                out.println(prefix + line);
                out.flush();
            }
        };
    }
}
