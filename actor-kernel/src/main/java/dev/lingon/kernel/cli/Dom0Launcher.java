package dev.lingon.kernel.cli;

/**
 * Boots dom0 for {@code lingon run}: the hook through which the CLI reaches the toolstack without
 * depending on how it is built. The toolstack registers its implementation as a
 * {@link java.util.ServiceLoader} service ({@code META-INF/services/dev.lingon.kernel.cli.Dom0Launcher});
 * tests and embedders pass one to {@link LingonEnvironment#withLauncher}. An implementation needs a
 * public no-argument constructor and may be called once per {@code run}.
 */
public interface Dom0Launcher {

    /**
     * Boots a dom0 with no other domain yet; {@code lingon run} then creates the configured domains
     * through {@link RunningDom0#api()}, serves it on the control socket, and closes it on exit.
     *
     * @throws Exception when dom0 cannot boot; the CLI reports the message and exits non-zero
     */
    RunningDom0 start() throws Exception;
}
