package dev.lingon.kernel.cli;

/**
 * {@code lingon demo}: the hook through which the CLI runs the demo that a higher module ships. The
 * demo registers its implementation as a {@link java.util.ServiceLoader} service
 * ({@code META-INF/services/dev.lingon.kernel.cli.Demo}); without one on the class path
 * {@code lingon demo} says so and exits 1. An implementation needs a public no-argument constructor.
 */
public interface Demo {

    /**
     * Runs the demo in the foreground and answers the process's exit code (0 on success). It prints
     * to {@link DemoContext#out()} and {@link DemoContext#err()}; it may publish its dom0 on the control
     * socket with {@link DemoContext#serve} so that {@code lingon list} and friends work from another shell
     * while it runs, and should stop cleanly when {@link DemoContext#onTerminate} fires (Ctrl-C).
     *
     * @throws Exception on failure; the CLI reports the message and exits 1
     */
    int run(DemoContext ctx) throws Exception;
}
