package dev.lingon.scheduler.api;

import dev.lingon.scheduler.internal.VcpuKernel;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Starting a domain's kernel and the actor system that runs on it.
 *
 * <pre>{@code
 * DomainKernel kernel = Kernels.start(domain, KernelConfig.vcpus(2));
 * ActorSystem<Cmd> system = Kernels.actorSystem(kernel, guardian, "web", ConfigFactory.empty());
 * }</pre>
 * Every dispatcher of the system — default, internal, blocking-io (unless
 * {@link KernelConfig#blockingIoOnVcpus()} is false) and {@code lingon.kernel-dispatcher} — runs on the
 * kernel's vCPUs. Device actors use {@code DispatcherSelector.fromConfig(Kernels.KERNEL_DISPATCHER)}.
 */
public final class Kernels {
    /** The dispatcher of device and system actors: the kernel lane. */
    public static final String KERNEL_DISPATCHER = "lingon.kernel-dispatcher";

    private Kernels() {
    }

    /** Starts the vCPU threads of a domain's kernel. */
    public static DomainKernel start(XenDomain domain, KernelConfig config) {
        return new VcpuKernel(domain, config);
    }

    /**
     * The HOCON that puts every dispatcher of a system on a kernel's executor.
     *
     * @param executorClass the {@code ExecutorServiceConfigurator} (the real kernel's or the simulation's)
     */
    public static Config dispatcherConfig(String executorClass, int throughput, boolean blockingIoOnKernel) {
        String e = '"' + executorClass + '"';
        StringBuilder sb = new StringBuilder()
                .append("pekko.actor.default-dispatcher { executor = ").append(e).append(", throughput = ").append(throughput).append(" }\n")
                .append("pekko.actor.internal-dispatcher { executor = ").append(e).append(", lingon-lane = kernel, throughput = ").append(throughput).append(" }\n")
                .append(KERNEL_DISPATCHER).append(" { type = Dispatcher, executor = ").append(e)
                .append(", lingon-lane = kernel, throughput = ").append(throughput).append(" }\n");
        if (blockingIoOnKernel) {
            sb.append("pekko.actor.default-blocking-io-dispatcher { type = Dispatcher, executor = ").append(e)
                    .append(", throughput = 1 }\n");
        }
        return ConfigFactory.parseString(sb.toString());
    }

    /**
     * An actor system whose dispatchers all run on {@code kernel}; {@code extra} overrides anything
     * else, and {@code setups} join the kernel's (e.g. a {@code XenMailboxesSetup}).
     */
    public static <T> ActorSystem<T> actorSystem(DomainKernel kernel, Behavior<T> guardian, String name, Config extra, Setup... setups) {
        int throughput = KernelConfig.DEFAULT_THROUGHPUT;
        boolean blockingIo = true;
        if (kernel instanceof VcpuKernel vk) {
            throughput = vk.config().throughput();
            blockingIo = vk.config().blockingIoOnVcpus();
        }
        Config config = extra
                .withFallback(dispatcherConfig(KernelExecutorConfigurator.class.getName(), throughput, blockingIo))
                .withFallback(ConfigFactory.load())
                .resolve();
        ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config), new KernelSetup(kernel));
        for (Setup s : setups) {
            setup = setup.withSetup(s);
        }
        return ActorSystem.create(guardian, name, setup);
    }

    /**
     * Starts a kernel and its actor system together; the kernel closes when the system has terminated.
     */
    public static <T> ActorSystem<T> boot(XenDomain domain, KernelConfig config, Behavior<T> guardian, String name, Config extra) {
        DomainKernel kernel = start(domain, config);
        try {
            ActorSystem<T> system = actorSystem(kernel, guardian, name, extra);
            system.getWhenTerminated().whenComplete((done, failure) -> kernel.close());
            return system;
        } catch (RuntimeException e) {
            kernel.close();
            throw e;
        }
    }
}
