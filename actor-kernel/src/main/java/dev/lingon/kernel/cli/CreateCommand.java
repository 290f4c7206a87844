package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code lingon create CONFIG}: parses the config here (so its errors name this shell's file and line),
 * then asks the running dom0 to create and boot the domain.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create and boot a domain from its config file, in the running dom0.")
final class CreateCommand implements Callable<Integer> {

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "CONFIG", description = "the domain's config file (xl.cfg style)")
    Path config;

    @Option(names = {"-c", "--console"}, description = "then follow the new domain's console, as xl create -c does")
    boolean console;

    @Override
    public Integer call() throws Exception {
        DomainSpec domain = Lingon.configParser().parse(config);
        Dom0Api dom0 = lingon.dom0();
        DomainStatus created = dom0.create(domain);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Created domain " + created.name() + " (id " + created.domid() + ").");
        out.flush();
        if (console) {
            return ConsoleCommand.follow(dom0, created, out, spec.commandLine().getErr(), lingon.env());
        }
        return 0;
    }
}
