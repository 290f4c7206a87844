package dev.lingon.bench.cross;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.dom0.Dom0;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.MailboxSettings;
import dev.lingon.xen.mailbox.XenMailboxes;
import dev.lingon.xen.mailbox.XenMailboxesSetup;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One way of putting the driver and the receiver in touch: in one domain, across domains, or over Artery. */
abstract class Variant implements AutoCloseable {
    final String name;
    ActorRef<Object> driver;
    ActorRef<BenchMsg> receiver;
    final List<ActorSystem<?>> systems = new ArrayList<>();
    final List<AutoCloseable> after = new ArrayList<>();
    final List<dev.lingon.scheduler.api.DomainKernel> kernels = new ArrayList<>();

    List<dev.lingon.scheduler.api.SchedulerMetrics> kernelMetrics() {
        return kernels.stream().map(dev.lingon.scheduler.api.DomainKernel::metrics).toList();
    }

    static String describeDelta(List<dev.lingon.scheduler.api.SchedulerMetrics> before, List<dev.lingon.scheduler.api.SchedulerMetrics> after) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < after.size(); i++) {
            var a = after.get(i);
            var b = before.get(i);
            for (int j = 0; j < a.vcpus().size(); j++) {
                var x = a.vcpus().get(j);
                var y = b.vcpus().get(j);
                long busy = x.busyNanos() - y.busyNanos();
                long idle = x.idleNanos() - y.idleNanos();
                sb.append(String.format(java.util.Locale.ROOT, "%s/v%d busy %.0f%% slices %d blocks %d wakeups %d events %d; ",
                        a.domain(), j, 100.0 * busy / Math.max(1, busy + idle), x.slices() - y.slices(), x.blocks() - y.blocks(),
                        x.wakeups() - y.wakeups(), x.eventsDelivered() - y.eventsDelivered()));
            }
        }
        return sb.toString();
    }

    Variant(String name) {
        this.name = name;
    }

    static final String QUIET = "pekko.loglevel = WARNING\npekko.log-dead-letters = off\n"
            + "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]\n"
            + "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"\n";

    /** A guardian that spawns {@code child} and hands its ref out. */
    static <T> Behavior<Void> spawning(Behavior<T> child, String name, CompletableFuture<ActorRef<T>> ref) {
        return Behaviors.setup(ctx -> {
            ref.complete(ctx.spawn(child, name));
            return Behaviors.empty();
        });
    }

    @Override
    public void close() throws Exception {
        for (ActorSystem<?> s : systems) {
            s.terminate();
        }
        for (ActorSystem<?> s : systems) {
            s.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        for (AutoCloseable c : after) {
            c.close();
        }
    }

    /** Both actors in one domain, on its kernel: local tells, nothing serialized. */
    static Variant inDomain() {
        Variant v = new Variant("in-domain") {
        };
        Hypervisor hv = Hypervisors.inProcess();
        XenDomain d = hv.domain(hv.createDomain(DomainConfig.named("one").withVcpus(2)).orThrow()).orElseThrow();
        DomainKernel k = Kernels.start(d, KernelConfig.vcpus(2));
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        CompletableFuture<ActorRef<BenchMsg>> rcv = new CompletableFuture<>();
        ActorSystem<Void> s = Kernels.actorSystem(k, Behaviors.setup(ctx -> {
            drv.complete(ctx.spawn(Actors.driver(), "driver"));
            rcv.complete(ctx.spawn(Actors.receiver(), "receiver"));
            return Behaviors.empty();
        }), "one", ConfigFactory.parseString(QUIET));
        v.systems.add(s);
        v.after.add(k);
        v.after.add(hv);
        v.driver = drv.join();
        v.receiver = rcv.join();
        return v;
    }

    /** The driver in one domain and the receiver in another, each on its own one-vCPU kernel, through Xen mailboxes. */
    static Variant xenMailboxes() {
        Variant v = new Variant("xen-mailboxes") {
        };
        Config config = ConfigFactory.parseString(XenMailboxesSetup.requiredConfig() + BenchMsg.KRYO_CONFIG + "\n" + QUIET);
        Domains d = v.twoDomains();
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        CompletableFuture<ActorRef<BenchMsg>> rcv = new CompletableFuture<>();
        ActorSystem<Void> sa = Kernels.actorSystem(d.ka(), spawning(Actors.driver(), "driver", drv), "sender", config,
                new XenMailboxesSetup(d.da(), d.ka(), MailboxSettings.DEFAULTS, Kernels.KERNEL_DISPATCHER));
        ActorSystem<Void> sb = Kernels.actorSystem(d.kb(), spawning(Actors.receiver(), "receiver", rcv), "receiver", config,
                new XenMailboxesSetup(d.db(), d.kb(), MailboxSettings.DEFAULTS, Kernels.KERNEL_DISPATCHER));
        v.systems.add(sa);
        v.systems.add(sb);
        XenMailboxes.get(sb).register("receiver", rcv.join()).orThrow();
        v.driver = drv.join();
        v.receiver = XenMailboxes.get(sa).<BenchMsg>lookup(d.db().domid(), "receiver").orThrow();
        return v;
    }

    /**
     * The bound a transport cannot beat: the driver and the receiver in two one-vCPU domains as for
     * {@link #xenMailboxes()}, but the driver tells the receiver's local reference directly (one JVM,
     * nothing serialized, no ring), and the receiver copies each payload into a fresh array, the one
     * thing a message arriving from another domain cannot skip.
     */
    static Variant directCopy() {
        Variant v = new Variant("direct-copy") {
        };
        Config config = ConfigFactory.parseString(QUIET);
        Domains d = v.twoDomains();
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        CompletableFuture<ActorRef<BenchMsg>> rcv = new CompletableFuture<>();
        v.systems.add(Kernels.actorSystem(d.ka(), spawning(Actors.driver(), "driver", drv), "sender", config));
        v.systems.add(Kernels.actorSystem(d.kb(), spawning(Actors.receiver(true), "receiver", rcv), "receiver", config));
        v.driver = drv.join();
        v.receiver = rcv.join();
        return v;
    }

    /** The sender's and the receiver's domain, one vCPU each, on a fresh in-process hypervisor. */
    private record Domains(XenDomain da, DomainKernel ka, XenDomain db, DomainKernel kb) {
    }

    /** Creates the two one-vCPU domains and their kernels, closed with this variant. */
    private Domains twoDomains() {
        Hypervisor hv = Hypervisors.inProcess();
        XenDomain da = hv.domain(hv.createDomain(DomainConfig.named("sender").withVcpus(1)).orThrow()).orElseThrow();
        XenDomain db = hv.domain(hv.createDomain(DomainConfig.named("receiver").withVcpus(1)).orThrow()).orElseThrow();
        DomainKernel ka = Kernels.start(da, KernelConfig.vcpus(1));
        DomainKernel kb = Kernels.start(db, KernelConfig.vcpus(1));
        after.add(ka);
        after.add(kb);
        after.add(hv);
        kernels.add(ka);
        kernels.add(kb);
        return new Domains(da, ka, db, kb);
    }

    static Config arteryConfig() {
        return ConfigFactory.parseString(BenchMsg.KRYO_CONFIG + "\n" + QUIET + String.join("\n",
                "pekko.actor.provider = remote",
                "pekko.remote.artery.transport = tcp",
                "pekko.remote.artery.canonical.hostname = 127.0.0.1",
                "pekko.remote.artery.canonical.port = 0")).withFallback(ConfigFactory.load()).resolve();
    }

    /** Two plain actor systems on Pekko's default dispatcher, joined by Artery TCP on loopback, with the same serializer. */
    static Variant artery() {
        Variant v = new Variant("artery-tcp") {
        };
        Config config = arteryConfig();
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        CompletableFuture<ActorRef<BenchMsg>> rcv = new CompletableFuture<>();
        ActorSystem<Void> sa = ActorSystem.create(spawning(Actors.driver(), "driver", drv), "sender", config);
        ActorSystem<Void> sb = ActorSystem.create(spawning(Actors.receiver(), "receiver", rcv), "receiver", config);
        v.systems.add(sa);
        v.systems.add(sb);
        String path = ActorRefResolver.get(sb).toSerializationFormat(rcv.join());
        v.driver = drv.join();
        v.receiver = ActorRefResolver.get(sa).resolveActorRef(path);
        return v;
    }

    /**
     * Across OS processes: the driver in a domain in this JVM (dom0's, on its shared-memory hypervisor)
     * and the receiver in a process domain of its own ({@link ReceiverApp}), each on a one-vCPU kernel,
     * through Xen mailboxes on shared memory.
     */
    static Variant xenMailboxesProcess() {
        Variant v = new Variant("xen-process") {
        };
        // No spare processes: a spare warms up right after a launch, on the cores being measured.
        Dom0 dom0 = Dom0.startWithProcessDomains(dev.lingon.kernel.dom0.Toolstack.defaultCoreDumpDir(),
                dev.lingon.kernel.process.DomainProcessCommand.Settings.ofThisJvm(java.util.Optional.empty(), spinOption()));
        v.after.add(dom0);
        Hypervisor hv = dom0.hypervisor();
        Config config = ConfigFactory.parseString(XenMailboxesSetup.requiredConfig() + BenchMsg.KRYO_CONFIG + "\n" + QUIET);
        XenDomain da = hv.domain(hv.createDomain(DomainConfig.named("sender").withVcpus(1)).orThrow()).orElseThrow();
        DomainKernel ka = Kernels.start(da, KernelConfig.vcpus(1));
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        ActorSystem<Void> sa = Kernels.actorSystem(ka, spawning(Actors.driver(), "driver", drv), "sender", config,
                new XenMailboxesSetup(da, ka, MailboxSettings.DEFAULTS, Kernels.KERNEL_DISPATCHER));
        v.systems.add(sa);
        v.after.addFirst(() -> hv.destroy(da.handle()));
        v.after.addFirst(ka);
        int receiverDomid = dom0.toolstack().create(DomainSpec.of("receiver", ReceiverApp.class).withVcpus(1)
                .withBackend(DomainSpec.Backend.PROCESS)).domid();
        v.driver = drv.join();
        v.receiver = XenMailboxes.get(sa).<BenchMsg>lookup(receiverDomid, "receiver").orThrow();
        return v;
    }

    /** The kernels' spin budget of this JVM ({@code --spin-nanos}), handed to the domain processes too. */
    private static List<String> spinOption() {
        String spin = System.getProperty(KernelConfig.SPIN_NANOS_PROPERTY);
        return spin == null ? List.of() : List.of("-D" + KernelConfig.SPIN_NANOS_PROPERTY + "=" + spin);
    }

    /** As {@link #artery()}, with the receiver's actor system in a JVM of its own ({@link ArteryReceiverMain}). */
    static Variant arteryTwoJvms() {
        Variant v = new Variant("artery-2jvm") {
        };
        CompletableFuture<ActorRef<Object>> drv = new CompletableFuture<>();
        ActorSystem<Void> sa = ActorSystem.create(spawning(Actors.driver(), "driver", drv), "sender", arteryConfig());
        v.systems.add(sa);
        try {
            String javaBin = ProcessHandle.current().info().command().orElseThrow();
            Process p = new ProcessBuilder(javaBin, "-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow", "-Dkryo.unsafe=false",
                    "-cp", System.getProperty("java.class.path"), ArteryReceiverMain.class.getName())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            v.after.add(() -> {
                p.getOutputStream().close();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            });
            java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            String path = null;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("receiver ")) {
                    path = line.substring("receiver ".length()).trim();
                    break;
                }
            }
            if (path == null) {
                throw new IllegalStateException("the Artery receiver JVM did not start (exit " + p.waitFor() + ")");
            }
            v.driver = drv.join();
            v.receiver = ActorRefResolver.get(sa).resolveActorRef(path);
            return v;
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException("cannot start the Artery receiver JVM: " + e, e);
        }
    }
}
