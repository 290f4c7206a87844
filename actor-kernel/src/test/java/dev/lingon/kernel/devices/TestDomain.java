package dev.lingon.kernel.devices;

import static org.awaitility.Awaitility.await;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.Console;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.ImageManifest;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.StoreClient;
import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Processes;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.StartResult;
import dev.lingon.supervision.api.Supervisor;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.XenMailboxes;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A booted domain for device tests: an in-process domain, its kernel on one vCPU, a kernel actor
 * system, and a {@link DomainContext} over them. Devices go under a {@code kernel} supervisor, the
 * application (if any) under an {@code app} supervisor; {@link #stopApplication()} stops the latter and
 * records it in the {@linkplain #journal() journal}. Owned by the test thread; {@link #close()}
 * terminates the system, closes the kernel and the devices.
 */
public final class TestDomain implements DomainContext, AutoCloseable {

    /** A test application class for the image manifest; never instantiated. */
    public static final class NoApplication implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext ctx) {
            throw new UnsupportedOperationException("device tests start their application themselves");
        }
    }

    private final XenDomain xen;
    private final DomainKernel kernel;
    private final ActorSystem<Void> system;
    private final List<String> journal = Collections.synchronizedList(new ArrayList<>());
    private final List<KernelDevice> devices = new CopyOnWriteArrayList<>();
    private volatile Pid kernelSupervisor;
    private volatile Pid application;
    private volatile Console console;
    private volatile StoreClient store;

    private TestDomain(XenDomain xen, DomainKernel kernel, ActorSystem<Void> system) {
        this.xen = xen;
        this.kernel = kernel;
        this.system = system;
    }

    /** Creates the domain {@code name} on {@code hv} and boots its kernel and actor system. */
    public static TestDomain boot(Hypervisor hv, String name) {
        DomainHandle h = hv.createDomain(DomainConfig.named(name).withVcpus(1)).orThrow();
        XenDomain d = hv.domain(h).orElseThrow();
        DomainKernel k = Kernels.start(d, KernelConfig.vcpus(1));
        try {
            ActorSystem<Void> s = Kernels.actorSystem(k, Behaviors.empty(), name,
                    ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.log-dead-letters = off"));
            return new TestDomain(d, k, s);
        } catch (RuntimeException e) {
            k.close();
            throw e;
        }
    }

    /** Waiting for a condition, polling often. */
    public static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
    }

    /** Closes {@code d} with the domain, for a device whose worker a test does not start. */
    public <D extends KernelDevice> D track(D d) {
        devices.add(d);
        return d;
    }

    /** Starts the devices' workers under a {@code kernel} supervisor (one_for_one, 10 restarts in 5 s). */
    public Pid startDevices(KernelDevice... ds) {
        SupervisorSpec.Builder b = SupervisorSpec.builder().intensity(10).period(Duration.ofSeconds(5));
        for (KernelDevice d : ds) {
            devices.add(d);
            b.child(d.childSpec());
            if (d instanceof Console c) {
                console = c;
            }
            if (d instanceof StoreClient s) {
                store = s;
            }
        }
        kernelSupervisor = started(Supervisor.start(system, "kernel", b.build()));
        return kernelSupervisor;
    }

    /** Starts the application tree under an {@code app} supervisor. */
    public Pid startApplication(SupervisorSpec spec) {
        application = started(Supervisor.start(system, "app", spec));
        return application;
    }

    private static Pid started(CompletionStage<StartResult> start) {
        StartResult r = start.toCompletableFuture().join();
        if (r instanceof Reply.Started(Pid pid)) {
            return pid;
        }
        throw new IllegalStateException("supervisor did not start: " + r);
    }

    /** The pid of a device worker now. */
    public Pid devicePid(String id) {
        List<ChildInfo> children = Supervisor.ref(system, kernelSupervisor).whichChildren().toCompletableFuture().join();
        for (ChildInfo c : children) {
            if (c.id().equals(Optional.of(id)) && c.pid().isPresent()) {
                return c.pid().get();
            }
        }
        throw new IllegalStateException("no running device worker " + id + " in " + children);
    }

    /** Kills a device worker (an untrappable {@code kill}) and waits until its supervisor restarted it. */
    public Pid restartDevice(String id) {
        Pid before = devicePid(id);
        Processes.sendExit(before, ExitReason.kill());
        eventually().until(() -> {
            try {
                Pid now = devicePid(id);
                return now != before && now.isAlive();
            } catch (IllegalStateException e) {
                return false;
            }
        });
        return devicePid(id);
    }

    public void record(String entry) {
        journal.add(entry);
    }

    /** What happened, in order: {@code stopApplication}, what the test recorded, {@code application stopped}. */
    public List<String> journal() {
        synchronized (journal) {
            return List.copyOf(journal);
        }
    }

    // ------------------------------------------------------------------ DomainContext

    @Override
    public String name() {
        return xen.name();
    }

    @Override
    public DomainHandle handle() {
        return xen.handle();
    }

    @Override
    public XenDomain xen() {
        return xen;
    }

    @Override
    public ActorSystem<?> system() {
        return system;
    }

    public ActorSystem<Void> typedSystem() {
        return system;
    }

    @Override
    public DomainKernel kernel() {
        return kernel;
    }

    @Override
    public ImageManifest image() {
        return new ImageManifest("test", NoApplication.class,
                EnumSet.of(KernelService.CONSOLE, KernelService.STORE, KernelService.CONTROL));
    }

    @Override
    public Map<String, String> extra() {
        return Map.of();
    }

    @Override
    public Optional<StoreClient> store() {
        return Optional.ofNullable(store);
    }

    @Override
    public Optional<Console> console() {
        return Optional.ofNullable(console);
    }

    @Override
    public Optional<XenMailboxes> mailboxes() {
        return Optional.empty();
    }

    @Override
    public CompletionStage<Void> stopApplication() {
        record("stopApplication");
        Pid app = application;
        if (app == null) {
            record("application stopped");
            return CompletableFuture.completedFuture(null);
        }
        return Supervisor.ref(system, app).stop(ExitReason.shutdown()).thenApply(reason -> {
            record("application stopped");
            return null;
        });
    }

    @Override
    public void close() {
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
        } finally {
            kernel.close();
            List<KernelDevice> ds = new ArrayList<>(devices);
            Collections.reverse(ds);
            for (KernelDevice d : ds) {
                d.close();
            }
        }
    }
}
