package dev.lingon.kernel.dom0;

import dev.lingon.kernel.boot.StandardDevices;
import dev.lingon.kernel.dom0.console.ConsoleDaemon;
import dev.lingon.supervision.api.MonotonicClock;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;

import java.nio.file.Path;

/**
 * A running dom0 with the in-process backend: the hypervisor, its console daemon (xenconsoled) and
 * the toolstack. What {@code lingon run} and {@code lingon demo} start. Close it to destroy every
 * domain and stop.
 */
public final class Dom0 implements AutoCloseable {
    private final Hypervisor hv;
    private final Toolstack toolstack;

    private Dom0(Hypervisor hv, Toolstack toolstack) {
        this.hv = hv;
        this.toolstack = toolstack;
    }

    public static Dom0 start() {
        return start(Toolstack.defaultCoreDumpDir());
    }

    public static Dom0 start(Path coreDumpDir) {
        Hypervisor hv = Hypervisors.inProcess();
        ConsoleDaemon daemon = ConsoleDaemon.start(hv.dom0());
        Toolstack ts = new Toolstack(hv, new StandardDevices(), new DaemonConsoles(daemon), coreDumpDir, MonotonicClock.system());
        return new Dom0(hv, ts);
    }

    public Hypervisor hypervisor() {
        return hv;
    }

    public Toolstack toolstack() {
        return toolstack;
    }

    @Override
    public void close() {
        toolstack.close();
        hv.close();
    }
}
