package dev.lingon.kernel.process;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.dom0.Dom0;
import dev.lingon.kernel.dom0.Toolstack;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A dom0 in a JVM of its own, for {@link Dom0DeathTest}: starts the process backend, creates one process
 * domain, prints {@code domain <pid> <run directory>}, then runs until the test kills it (or closes its
 * standard input, after which it stops cleanly).
 */
public final class Dom0Orphans {
    private Dom0Orphans() {
    }

    public static void main(String[] args) throws Exception {
        Optional<Path> cds = args.length > 0 ? Optional.of(Path.of(args[0])) : Optional.empty();
        Dom0 dom0 = Dom0.startWithProcessDomains(Toolstack.defaultCoreDumpDir(), DomainProcessCommand.Settings.ofThisJvm(cds, List.of()));
        var st = dom0.toolstack().create(DomainSpec.of("orphan", ProcessTestApps.Idle.class).withBackend(DomainSpec.Backend.PROCESS)
                .withMemory(128));
        ProcessDomains pd = dom0.processDomains().orElseThrow();
        long pid = pd.process(dom0.hypervisor().domain(st.domid()).orElseThrow().handle()).orElseThrow().pid();
        System.out.println("domain " + pid + " " + pd.hypercallSocket().getParent());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the test writes nothing; its end of our input is the only way this ends without a kill
        }
        dom0.close();
    }
}
