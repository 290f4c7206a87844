package dev.lingon.kernel.boot;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.ImageManifest;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.StartResult;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.Supervisor;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.MailboxSettings;
import dev.lingon.xen.mailbox.XenMailboxesSetup;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.setup.Setup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Booting a domain: its kernel scheduler (every dispatcher on its vCPUs), its actor system with the
 * Kryo serializer and, if the image asks for {@code vchan}, Xen mailboxes; then its root supervisor:
 * <pre>
 *  root (rest_for_one)
 *   ├─ kernel (one_for_one)   the kernel services the image names: console, store, control
 *   └─ app                    the application's top supervisor
 * </pre>
 * A root supervisor that gives up (or any end of the root other than an orderly stop of the
 * application) crashes the domain ({@code SCHEDOP_shutdown(crash)}), and dom0 applies its
 * {@code on_crash}.
 */
public final class Kernel {
    private static final Logger log = LoggerFactory.getLogger(Kernel.class);
    /** Child id of the application's supervisor under the root. */
    public static final String APPLICATION = "app";
    /** Child id of the kernel services' supervisor under the root. */
    public static final String KERNEL_SERVICES = "kernel";

    private Kernel() {
    }

    /**
     * Boots {@code app} in {@code domain}. Completes once the root supervisor has started the kernel
     * services and the application, or fails with the reason the root could not start (the domain
     * is then crashed).
     */
    public static CompletionStage<BootedDomain> boot(XenDomain domain, DomainSpec spec, ImageManifest image, Application app,
                                                     DeviceProvider devices) {
        long t0 = System.nanoTime();
        DomainKernel kernel = Kernels.start(domain, KernelConfig.vcpus(spec.vcpus()));
        BootContext ctx = new BootContext(spec, domain, kernel, image);
        CompletableFuture<BootedDomain> booted = new CompletableFuture<>();
        List<Setup> setups = new ArrayList<>();
        Config config = app.config()
                .withFallback(ConfigFactory.parseString("pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
                        + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n"
                        + "pekko.loglevel = INFO\n"
                        + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off\n"
                        + "pekko.jvm-shutdown-hooks = off\n"));
        if (image.has(KernelService.VCHAN)) {
            config = config.withFallback(ConfigFactory.parseString(XenMailboxesSetup.requiredConfig()));
            setups.add(new XenMailboxesSetup(domain, kernel, MailboxSettings.DEFAULTS, Kernels.KERNEL_DISPATCHER));
        }
        try {
            ActorSystem<Object> system = Kernels.actorSystem(kernel, guardian(ctx, app, devices, booted, t0), spec.name(),
                    config, setups.toArray(Setup[]::new));
            ctx.system(system);
        } catch (RuntimeException e) {
            kernel.close();
            booted.completeExceptionally(e);
        }
        return booted;
    }

    private record RootStarted(StartResult result) {
    }

    private static Behavior<Object> guardian(BootContext ctx, Application app, DeviceProvider devices,
                                             CompletableFuture<BootedDomain> booted, long t0) {
        return Behaviors.setup(g -> {
            ctx.system(g.getSystem());
            SupervisorSpec rootSpec;
            try {
                List<ChildSpec> deviceSpecs = devices.devices(ctx);
                SupervisorSpec kernelServices = SupervisorSpec.builder()
                        .strategy(Strategy.ONE_FOR_ONE)
                        .intensity(3)
                        .period(Duration.ofSeconds(5))
                        .children(deviceSpecs)
                        .build();
                SupervisorSpec application = app.supervisor(ctx);
                rootSpec = SupervisorSpec.builder()
                        .strategy(Strategy.REST_FOR_ONE)
                        .child(ChildSpec.supervisor(KERNEL_SERVICES, kernelServices))
                        .child(ChildSpec.supervisor(APPLICATION, application))
                        .build();
            } catch (RuntimeException e) {
                log.error("{}: cannot build its supervision tree; the domain crashes", ctx.name(), e);
                crash(ctx, booted, e);
                return Behaviors.stopped();
            }
            Supervisor.start(g, "root", rootSpec).whenComplete((r, e) ->
                    g.getSelf().tell(new RootStarted(e != null ? new Reply.Failed(new dev.lingon.supervision.api.ExitReason.Error(e)) : r)));
            return Behaviors.receive(Object.class)
                    .onMessage(RootStarted.class, m -> {
                        switch (m.result()) {
                            case Reply.Started s -> {
                                Pid root = s.pid();
                                ctx.root(root);
                                g.watch(root.ref());
                                booted.complete(new BootedDomain(ctx, g.getSystem(), System.nanoTime() - t0));
                                log.info("{} (dom{}) booted in {} ms", ctx.name(), ctx.domid(), (System.nanoTime() - t0) / 1_000_000);
                            }
                            case Reply.Failed f -> {
                                log.error("{}: the root supervisor did not start: {}; the domain crashes", ctx.name(), f.reason());
                                crash(ctx, booted, new IllegalStateException("root supervisor of " + ctx.name() + " failed to start: " + f.reason()));
                            }
                            case Reply.Ignored i -> crash(ctx, booted, new IllegalStateException("root supervisor of " + ctx.name() + " answered ignore"));
                        }
                        return Behaviors.same();
                    })
                    .onSignal(Terminated.class, t -> {
                        if (!ctx.orderlyStop()) {
                            log.error("{}: the root supervisor gave up ({}); the domain crashes", ctx.name(),
                                    ctx.root() == null ? "?" : ctx.root().exitReason().map(Object::toString).orElse("?"));
                            ctx.xen().sched().shutdown(ShutdownReason.CRASH);
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** {@link #boot(XenDomain, DomainSpec, ImageManifest, Application, DeviceProvider)} with the standard devices. */
    public static CompletionStage<BootedDomain> boot(XenDomain domain, DomainSpec spec, ImageManifest image, Application app) {
        return boot(domain, spec, image, app, new StandardDevices());
    }

    private static void crash(BootContext ctx, CompletableFuture<BootedDomain> booted, Throwable why) {
        booted.completeExceptionally(why);
        ctx.xen().sched().shutdown(ShutdownReason.CRASH);
    }
}
