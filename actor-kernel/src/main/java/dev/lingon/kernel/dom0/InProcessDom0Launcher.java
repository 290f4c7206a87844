package dev.lingon.kernel.dom0;

import dev.lingon.kernel.cli.Dom0Launcher;
import dev.lingon.kernel.cli.RunningDom0;

/**
 * The {@link Dom0Launcher} behind {@code lingon run}: a dom0 with the in-process backend (every domain
 * in this JVM). Registered in {@code META-INF/services/dev.lingon.kernel.cli.Dom0Launcher}.
 */
public final class InProcessDom0Launcher implements Dom0Launcher {

    @Override
    public RunningDom0 start() {
        Dom0 dom0 = Dom0.start();
        return RunningDom0.of(dom0.toolstack(), dom0::close);
    }
}
