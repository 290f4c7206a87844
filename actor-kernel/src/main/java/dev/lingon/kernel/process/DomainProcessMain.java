package dev.lingon.kernel.process;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.ImageManifest;
import dev.lingon.kernel.boot.BootedDomain;
import dev.lingon.kernel.boot.Kernel;
import dev.lingon.kernel.boot.StandardDevices;
import dev.lingon.kernel.config.ConfigException;
import dev.lingon.kernel.config.DomainConfigParser;
import dev.lingon.xen.remote.LaunchTicket;
import dev.lingon.xen.remote.RemoteXenDomain;
import dev.lingon.xen.remote.ShmPageMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.remote.DomainFiles;
import dev.lingon.xen.remote.HypercallServer;
import dev.lingon.xen.shm.ShmDirectory;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A process domain: what dom0 starts with {@link DomainProcessCommand}. Connects to dom0's hypervisor
 * with the launch ticket from its environment, boots the kernel and the application of its config on
 * that connection exactly as an in-process domain boots, reports ready in XenStore, publishes its
 * scheduler figures for {@code top}, then lives until its connection to dom0 ends — dom0 destroyed it,
 * or dom0 itself has gone (then no domain may outlive it: no orphans) — and halts. Standard input is
 * dom0's too: its end is a second sign that dom0 has gone.
 *
 * <p>Exit status: 0 when its connection ended, 1 when it could not start (its config, its application,
 * or dom0 refused the connection) or dom0 did not end it after a failed boot, 2 for bad arguments.
 */
public final class DomainProcessMain {
    private static final Logger log = LoggerFactory.getLogger(DomainProcessMain.class);

    private DomainProcessMain() {
    }

    /** What a spare prints on its standard output once it is warm. */
    public static final String SPARE_READY = "lingon-spare-ready";

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--spare")) {
            System.exit(spare());
        }
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: " + DomainProcessCommand.MAIN_CLASS + " --config <domain.cfg> | --spare  (started by dom0's toolstack)");
            System.exit(2);
        }
        LaunchTicket ticket;
        try {
            ticket = LaunchTicket.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            log.error("domain process cannot start: {}", e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(run(Path.of(args[1]), ticket, new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }

    /**
     * A spare: warms up (boots and stops a throwaway domain on a hypervisor of its own, so that the
     * classes are initialised and the hot code compiled), says {@value #SPARE_READY}, then waits for its
     * launch line from dom0 on standard input ({@link #launchLine}) and becomes that domain. Its end of
     * input before that line means dom0 no longer needs it.
     */
    static int spare() {
        long t0 = System.nanoTime();
        warmUp();
        log.debug("spare warm in {} ms", (System.nanoTime() - t0) / 1_000_000);
        System.out.println(SPARE_READY);
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        try {
            line = in.readLine();
        } catch (IOException e) {
            return 0;
        }
        if (line == null) {
            return 0;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 6 || !f[0].equals("launch")) {
            log.error("a spare domain process expects a launch line from dom0; got {}", line.length() > 80 ? line.substring(0, 80) + "…" : line);
            return 2;
        }
        LaunchTicket ticket;
        try {
            ticket = LaunchTicket.fromEnvironment(Map.of(LaunchTicket.ENV_SOCKET, f[1], LaunchTicket.ENV_DOMID, f[2],
                    LaunchTicket.ENV_GENERATION, f[3], LaunchTicket.ENV_TOKEN, f[4]));
        } catch (IllegalArgumentException e) {
            log.error("a spare domain process got a bad launch line: {}", e.getMessage());
            return 1;
        }
        return run(Path.of(f[5]), ticket, in);
    }

    /** The line dom0 writes to a spare's standard input to make it the domain of {@code ticket}, configured by {@code configFile}. */
    static String launchLine(LaunchTicket ticket, Path configFile) {
        Map<String, String> env = ticket.environment();
        return String.join("\t", "launch", env.get(LaunchTicket.ENV_SOCKET), env.get(LaunchTicket.ENV_DOMID),
                env.get(LaunchTicket.ENV_GENERATION), env.get(LaunchTicket.ENV_TOKEN), configFile.toString()) + "\n";
    }

    /**
     * Boots and stops a throwaway domain a few times through the very code a process domain boots with:
     * a shared-memory hypervisor and a hypercall server of its own, in this JVM, and the domain on a
     * {@link RemoteXenDomain} connected to it, so that the client, the xs_wire codec, the kernel, Pekko
     * and Kryo are loaded, initialised and compiled before the real domain arrives.
     */
    private static void warmUp() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        for (int round = 0; round < 5 && (round == 0 || System.nanoTime() < until); round++) {
            try (ShmDirectory dir = ShmDirectory.create(ShmDirectory.defaultBase())) {
                Hypervisor hv = Hypervisors.sharedMemory(dir);
                HypercallServer server = HypercallServer.start(dir.path().resolve("warm-up.sock"), hv, DomainFiles.of(hv),
                        (handle, why) -> { });
                try {
                    DomainHandle h = hv.createDomain(DomainConfig.named("warm-up")).orThrow();
                    RemoteXenDomain d = RemoteXenDomain.connect(server.admit(h), ShmPageMapper.INSTANCE);
                    try {
                        CompletableFuture<Long> first = new CompletableFuture<>();
                        WarmUpApp.FIRST.set(first);
                        BootedDomain b = Kernel.boot(d, DomainSpec.of("warm-up", WarmUpApp.class), ImageManifest.of(WarmUpApp.class),
                                new WarmUpApp(), new StandardDevices()).toCompletableFuture().get(60, TimeUnit.SECONDS);
                        first.get(60, TimeUnit.SECONDS);
                        d.store().write("/local/domain/" + h.domid() + "/" + ProcessDomains.READY_NODE, "1");
                        b.terminate(Duration.ofSeconds(10));
                    } finally {
                        d.close();
                    }
                } finally {
                    server.close();
                    hv.close();
                }
            } catch (Exception e) {
                // A spare that cannot warm up still works, only colder.
                log.warn("a spare domain process could not warm up: {}", e.toString());
                return;
            }
        }
    }

    static int run(Path configFile, LaunchTicket ticket, java.io.Reader dom0Input) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        DomainSpec spec;
        ImageManifest image;
        Application app;
        try {
            spec = DomainConfigParser.checkingApplications(loader).parse(configFile);
            image = ImageManifest.forClassName(spec.application(), loader);
            app = image.application().getDeclaredConstructor().newInstance();
        } catch (ConfigException | IllegalArgumentException | ReflectiveOperationException e) {
            log.error("domain process cannot start: {}", e.getMessage());
            return 1;
        }
        CompletableFuture<String> dom0Gone = new CompletableFuture<>();
        RemoteXenDomain domain;
        try {
            domain = RemoteXenDomain.connect(ticket, ShmPageMapper.INSTANCE);
        } catch (RuntimeException e) {
            log.error("{}: cannot connect to dom0 at {}: {}", spec.name(), ticket.socket(), e.getMessage());
            return 1;
        }
        // The one way a domain process ends: its link to dom0 ends. A destroyed VM is gone at once, with
        // no further say (an orderly poweroff has already stopped the application before it asked dom0
        // to shut the domain down), and nothing is left to talk to: halt.
        dom0Gone.thenAccept(why -> {
            log.info("{} ({}) ends: {}", spec.name(), domain.handle(), why);
            Runtime.getRuntime().halt(0);
        });
        domain.onDom0Lost(dom0Gone::complete);
        // dom0 destroys a domain with SIGTERM: end at once, with the link still up, so that nothing in the
        // domain trips over a missing dom0 on the way out. (Halting still writes the CDS archive.)
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{} ({}) ends: destroyed by dom0", spec.name(), domain.handle());
            // A destroyed domain says nothing more: while the JVM exits (writing its CDS archive may take
            // seconds) dom0 tears the domain down, and its devices would report every refused hypercall.
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
                lc.stop();
            }
        }, "lingon-destroyed"));
        watchStandardInput(dom0Input, dom0Gone);
        BootedDomain booted;
        try {
            booted = Kernel.boot(domain, spec, image, app, new StandardDevices()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // The kernel has crashed the domain (SCHEDOP_shutdown(crash)); dom0 applies on_crash and ends us.
            log.error("{} failed to boot: {}", spec.name(), e.getCause() == null ? e.toString() : e.getCause().toString());
            awaitQuietly(dom0Gone, Duration.ofSeconds(30));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        String home = "/local/domain/" + domain.handle().domid() + "/";
        try {
            var w = domain.store().write(home + ProcessDomains.READY_NODE, "1");
            if (!w.isOk()) {
                log.error("{} cannot report ready at {}: {}", spec.name(), home + ProcessDomains.READY_NODE, w.errno());
            }
        } catch (RuntimeException e) {
            // dom0 went while we booted; dom0Gone halts us
            log.debug("{} could not report ready: {}", spec.name(), e.toString());
        }
        log.info("{} ({}) is running in process {}", spec.name(), domain.handle(), ProcessHandle.current().pid());
        publishMetrics(domain, booted, home + ProcessMetrics.NODE, dom0Gone);
        awaitQuietly(dom0Gone, null);
        // dom0Gone's action halts the process; this thread only waits for it.
        awaitQuietly(new CompletableFuture<>(), null);
        return 0;
    }

    /** Writes the scheduler's figures for dom0's {@code top} until the domain stops. */
    private static void publishMetrics(RemoteXenDomain domain, BootedDomain booted, String node, CompletableFuture<String> stop) {
        Thread.ofPlatform().daemon(true).name("lingon-metrics").start(() -> {
            while (!stop.isDone()) {
                try {
                    domain.store().write(node, ProcessMetrics.of(booted.metrics()).text());
                } catch (RuntimeException e) {
                    // the link to dom0 is going; dom0Gone ends the process
                    return;
                }
                try {
                    stop.get(ProcessMetrics.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // time for the next figures
                } catch (InterruptedException | ExecutionException e) {
                    return;
                }
            }
        });
    }

    /** dom0 holds the other end of our standard input; its end means dom0 has gone. */
    private static void watchStandardInput(java.io.Reader in, CompletableFuture<String> dom0Gone) {
        Thread.ofPlatform().daemon(true).name("lingon-dom0-stdin").start(() -> {
            try (in) {
                while (in.read() >= 0) {
                    // dom0 writes nothing more; anything read is ignored
                }
            } catch (IOException e) {
                // closed as well
            }
            dom0Gone.complete("dom0 closed our standard input");
        });
    }

    private static String awaitQuietly(CompletableFuture<String> f, Duration timeout) {
        try {
            return timeout == null ? f.get() : f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return "no word from dom0 (" + e + ")";
        }
    }
}
