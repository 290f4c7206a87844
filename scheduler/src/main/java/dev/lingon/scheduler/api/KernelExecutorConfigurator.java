package dev.lingon.scheduler.api;

import com.typesafe.config.Config;

import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * The Pekko {@code executor} for every dispatcher of a Lingon domain:
 * <pre>
 * pekko.actor.default-dispatcher.executor = "dev.lingon.scheduler.api.KernelExecutorConfigurator"
 * lingon.kernel-dispatcher { type = Dispatcher, executor = "…KernelExecutorConfigurator", lingon-lane = kernel }
 * </pre>
 * It finds the domain's {@link DomainKernel} in the actor system's {@link KernelSetup} and hands each
 * dispatcher the kernel's executor for its lane ({@code lingon-lane = app | kernel}, default app).
 * Pekko creates a new executor each time a dispatcher restarts after its shutdown timeout; each is a
 * view on the same kernel, so that costs nothing.
 */
public final class KernelExecutorConfigurator extends ExecutorServiceConfigurator {
    private final DomainKernel kernel;
    private final Lane lane;

    public KernelExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        this.kernel = prerequisites.settings().setup().get(KernelSetup.class)
                .orElseThrow(() -> new IllegalStateException("dispatcher '" + (config.hasPath("id") ? config.getString("id") : "?")
                        + "' runs on " + KernelExecutorConfigurator.class.getName() + " but the actor system '"
                        + prerequisites.settings().name() + "' has no KernelSetup; create it with Kernels.actorSystem(...)"
                        + " or Simulation.actorSystem(...)"))
                .kernel();
        String l = config.hasPath("lingon-lane") ? config.getString("lingon-lane") : "app";
        try {
            this.lane = Lane.valueOf(l.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("lingon-lane must be 'app' or 'kernel', not '" + l + "'", e);
        }
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> kernel.executor(lane);
    }
}
