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

import java.io.IOException;
import java.io.InputStream;
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

    public static void main(String[] args) {
        if (args.length != 2 || !args[0].equals("--config")) {
            System.err.println("usage: " + DomainProcessCommand.MAIN_CLASS + " --config <domain.cfg>  (started by dom0's toolstack)");
            System.exit(2);
        }
        System.exit(run(Path.of(args[1])));
    }

    static int run(Path configFile) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        DomainSpec spec;
        ImageManifest image;
        Application app;
        LaunchTicket ticket;
        try {
            ticket = LaunchTicket.fromEnvironment(System.getenv());
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
        watchStandardInput(dom0Gone);
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
    private static void watchStandardInput(CompletableFuture<String> dom0Gone) {
        Thread.ofPlatform().daemon(true).name("lingon-dom0-stdin").start(() -> {
            try (InputStream in = System.in) {
                while (in.read() >= 0) {
                    // dom0 writes nothing; anything read is ignored
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
