package dev.lingon.kernel.dom0;

import dev.lingon.kernel.cli.Dom0Launcher;
import dev.lingon.kernel.cli.RunningDom0;

/**
 * The {@link Dom0Launcher} behind {@code lingon run}: a dom0 that runs each domain in its JVM or in a
 * process of its own, as its config's {@code backend} says (in-process only where process domains are
 * not available). Registered in {@code META-INF/services/dev.lingon.kernel.cli.Dom0Launcher}.
 */
public final class StandardDom0Launcher implements Dom0Launcher {

    @Override
    public RunningDom0 start() {
        // A config may ask for backend = "process" at any time (lingon create), so dom0 can run both
        // wherever the platform allows it.
        Dom0 dom0 = Dom0.processDomainsAvailable() ? Dom0.startWithProcessDomains() : Dom0.start();
        return RunningDom0.of(dom0.toolstack(), dom0::close);
    }
}
