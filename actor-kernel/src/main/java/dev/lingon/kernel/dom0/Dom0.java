package dev.lingon.kernel.dom0;

import dev.lingon.kernel.boot.StandardDevices;
import dev.lingon.kernel.dom0.console.ConsoleDaemon;
import dev.lingon.kernel.process.DomainProcessCommand;
import dev.lingon.kernel.process.ProcessDomains;
import dev.lingon.supervision.api.MonotonicClock;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.shm.Futex;
import dev.lingon.xen.shm.ShmDirectory;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A running dom0: the hypervisor, its console daemon (xenconsoled) and the toolstack, and with the
 * process backend also the hypercall server that process domains connect to. What {@code lingon run}
 * and {@code lingon demo} start. Close it to destroy every domain and stop.
 */
public final class Dom0 implements AutoCloseable {
    private final Hypervisor hv;
    private final Toolstack toolstack;
    private final ProcessDomains processes;
    private final ShmDirectory runDir;

    private Dom0(Hypervisor hv, Toolstack toolstack, ProcessDomains processes, ShmDirectory runDir) {
        this.hv = hv;
        this.toolstack = toolstack;
        this.processes = processes;
        this.runDir = runDir;
    }

    /** dom0 with the in-process backend only: every domain in this JVM, pages in off-heap arenas. */
    public static Dom0 start() {
        return start(Toolstack.defaultCoreDumpDir());
    }

    public static Dom0 start(Path coreDumpDir) {
        Hypervisor hv = Hypervisors.inProcess();
        ConsoleDaemon daemon = ConsoleDaemon.start(hv.dom0());
        Toolstack ts = new Toolstack(hv, new StandardDevices(), new DaemonConsoles(daemon), coreDumpDir, MonotonicClock.system());
        return new Dom0(hv, ts, null, null);
    }

    /** Whether this platform can run process domains (Linux futexes on amd64/aarch64). */
    public static boolean processDomainsAvailable() {
        return Futex.available();
    }

    /**
     * dom0 that runs domains of both backends: its hypervisor keeps every domain's pages in a
     * shared-memory file of its run directory ({@code /dev/shm/lingon-<user>/<pid>…}), so that a domain
     * whose spec says {@code backend = "process"} runs in its own JVM process mapping them, and the
     * others in this JVM as usual. Domain processes use this JVM's JDK and class path, a CDS archive
     * ({@link ProcessSettings#cdsArchive()}) and spare processes ({@link ProcessSettings#spares()}).
     *
     * @throws UnsupportedOperationException where {@link #processDomainsAvailable()} is false
     */
    public static Dom0 startWithProcessDomains() {
        return startWithProcessDomains(Toolstack.defaultCoreDumpDir(),
                DomainProcessCommand.Settings.ofThisJvm(ProcessSettings.cdsArchive(), ProcessSettings.jvmOptions())
                        .withSpares(ProcessSettings.spares()));
    }

    public static Dom0 startWithProcessDomains(Path coreDumpDir, DomainProcessCommand.Settings settings) {
        if (!processDomainsAvailable()) {
            throw new UnsupportedOperationException("process domains need Linux on amd64 or aarch64 (futexes through the FFM API); "
                    + "this is " + System.getProperty("os.name") + " on " + System.getProperty("os.arch") + ". Use the in-process backend.");
        }
        ShmDirectory dir = ShmDirectory.create(ShmDirectory.defaultBase());
        Hypervisor hv = null;
        Toolstack ts = null;
        try {
            hv = Hypervisors.sharedMemory(dir);
            ConsoleDaemon daemon = ConsoleDaemon.start(hv.dom0());
            ts = new Toolstack(hv, new StandardDevices(), new DaemonConsoles(daemon), coreDumpDir, MonotonicClock.system());
            ProcessDomains pd = ProcessDomains.start(hv, dir.path(), settings, ProcessSettings.domainFiles(hv), ts::domainProcessDied);
            ts.useProcessDomains(pd);
            return new Dom0(hv, ts, pd, dir);
        } catch (RuntimeException e) {
            if (ts != null) {
                ts.close();
            }
            if (hv != null) {
                hv.close();
            }
            dir.close();
            throw e;
        }
    }

    public Hypervisor hypervisor() {
        return hv;
    }

    public Toolstack toolstack() {
        return toolstack;
    }

    /** The process backend, when this dom0 has one. */
    public Optional<ProcessDomains> processDomains() {
        return Optional.ofNullable(processes);
    }

    @Override
    public void close() {
        toolstack.close();
        if (processes != null) {
            processes.close();
        }
        hv.close();
        if (runDir != null) {
            runDir.close();
        }
    }
}
