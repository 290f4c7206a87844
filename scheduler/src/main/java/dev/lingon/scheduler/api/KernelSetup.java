package dev.lingon.scheduler.api;

import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;

import java.util.Objects;

/**
 * Carries a domain's {@link DomainKernel} into the {@code ActorSystem} built on it, where the kernel's
 * dispatchers ({@link KernelExecutorConfigurator}) and the domain's device actors find it. A setup,
 * not a static registry, so two domains in one JVM never see each other's kernel.
 */
public final class KernelSetup extends Setup {
    private final DomainKernel kernel;

    public KernelSetup(DomainKernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    public DomainKernel kernel() {
        return kernel;
    }

    /** The kernel an actor system runs on. */
    public static DomainKernel kernelOf(ActorSystem<?> system) {
        return system.settings().classicSettings().setup().get(KernelSetup.class)
                .orElseThrow(() -> new IllegalStateException("actor system '" + system.name()
                        + "' was not created on a Lingon kernel (no KernelSetup); create it with Kernels.actorSystem or Simulation.actorSystem"))
                .kernel();
    }
}
