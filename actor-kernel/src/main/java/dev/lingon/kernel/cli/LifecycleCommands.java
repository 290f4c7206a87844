package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainStatus;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code shutdown}, {@code reboot}, {@code destroy}, {@code pause}, {@code unpause}: one request to the
 * running dom0 each, silent on success as xl's are. {@code shutdown} and {@code reboot} can wait
 * ({@code -w}) until the domain instance has shut down: it is gone (destroyed or restarted under a new
 * id) or kept in the shutdown or crashed state.
 */
final class LifecycleCommands {

    private LifecycleCommands() {
    }

    /** A command on one domain, named by name or id. */
    abstract static class OnDomain implements Callable<Integer> {

        @ParentCommand
        Lingon lingon;

        @Parameters(paramLabel = "DOMAIN", description = "domain name or id")
        String domain;

        abstract void apply(Dom0Api dom0, String domain);

        @Override
        public Integer call() throws Exception {
            apply(lingon.dom0(), domain);
            return 0;
        }
    }

    /** A request the guest carries out in its own time, which {@code -w} waits for. */
    abstract static class Waiting extends OnDomain {

        @Option(names = {"-w", "--wait"}, description = "wait until the domain has shut down")
        boolean await;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "with --wait, give up after this many seconds (default: ${DEFAULT-VALUE})")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            Dom0Api dom0 = lingon.dom0();
            Optional<DomainStatus> before = await ? Domains.find(dom0.list(), domain) : Optional.empty();
            apply(dom0, domain);
            if (before.isPresent()) {
                awaitShutdown(dom0, before.get());
            }
            return 0;
        }

        private void awaitShutdown(Dom0Api dom0, DomainStatus d) throws InterruptedException {
            LingonEnvironment env = lingon.env();
            Duration waited = Duration.ZERO;
            Duration limit = Duration.ofSeconds(timeoutSeconds);
            while (true) {
                List<DomainStatus> now = dom0.list();
                Optional<DomainStatus> s = Domains.byDomid(now, d.domid());
                if (s.isEmpty() || s.get().state() == 's' || s.get().state() == 'c') {
                    return;
                }
                // Waiting is counted in polls: close enough for a timeout, and free of a clock.
                if (waited.compareTo(limit) >= 0) {
                    throw new Dom0Exception(Dom0Exception.Kind.FAILED, "domain " + d.name() + " (id " + d.domid()
                            + ") did not shut down within " + timeoutSeconds + " s");
                }
                env.sleeper().sleep(env.pollInterval());
                waited = waited.plus(env.pollInterval());
            }
        }
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = "Ask a domain to power off: its application stops in order, then on_poweroff applies.")
    static final class Shutdown extends Waiting {
        @Override
        void apply(Dom0Api dom0, String domain) {
            dom0.shutdown(domain);
        }
    }

    @Command(name = "reboot", mixinStandardHelpOptions = true,
            description = "Ask a domain to reboot: its application stops in order, then on_reboot applies.")
    static final class Reboot extends Waiting {
        @Override
        void apply(Dom0Api dom0, String domain) {
            dom0.reboot(domain);
        }
    }

    @Command(name = "destroy", mixinStandardHelpOptions = true,
            description = "Destroy a domain at once, as pulling the plug would.")
    static final class Destroy extends OnDomain {
        @Override
        void apply(Dom0Api dom0, String domain) {
            dom0.destroy(domain);
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a domain: its vCPUs stop being scheduled.")
    static final class Pause extends OnDomain {
        @Override
        void apply(Dom0Api dom0, String domain) {
            dom0.pause(domain);
        }
    }

    @Command(name = "unpause", mixinStandardHelpOptions = true,
            description = "Unpause a paused domain.")
    static final class Unpause extends OnDomain {
        @Override
        void apply(Dom0Api dom0, String domain) {
            dom0.unpause(domain);
        }
    }
}
