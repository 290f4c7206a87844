package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.DomainStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lingon list [DOMAIN…]}: xl's domain table, of every domain or of those named. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the domains (all, or those named) as xl list does: "
        + "name, id, memory (MiB), vCPUs, state (r running, b blocked, p paused, s shutdown, c crashed, d dying), uptime.")
final class ListCommand implements Callable<Integer> {

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DOMAIN", arity = "0..*", description = "domain names or ids")
    List<String> domains = new ArrayList<>();

    @Override
    public Integer call() {
        List<DomainStatus> all = lingon.dom0().list();
        List<DomainStatus> shown = domains.isEmpty() ? all : domains.stream().map(d -> Domains.require(all, d)).toList();
        Tables.list(spec.commandLine().getOut(), shown);
        return 0;
    }
}
