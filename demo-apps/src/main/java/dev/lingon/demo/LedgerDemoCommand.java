package dev.lingon.demo;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.cli.Demo;
import dev.lingon.kernel.cli.DemoContext;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code lingon demo [--seconds N] [--backend inproc|process]}: the ledger demo behind the CLI (registered in
 * {@code META-INF/services/dev.lingon.kernel.cli.Demo}). While it runs, its dom0 answers on the control
 * socket, so {@code lingon list}, {@code lingon top} or {@code lingon console frontend} work from another
 * shell; Ctrl-C stops it early and cleanly.
 */
public final class LedgerDemoCommand implements Demo {
    static final Duration DEFAULT_LENGTH = Duration.ofSeconds(12);

    @Override
    public int run(DemoContext ctx) {
        Duration length = DEFAULT_LENGTH;
        DomainSpec.Backend backend = DomainSpec.Backend.INPROC;
        List<String> args = ctx.args();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--seconds" -> length = Duration.ofSeconds(parseSeconds(args, ++i));
                case "--backend" -> {
                    String b = i + 1 < args.size() ? args.get(++i) : "";
                    backend = switch (b) {
                        case "inproc" -> DomainSpec.Backend.INPROC;
                        case "process" -> DomainSpec.Backend.PROCESS;
                        default -> throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, "--backend takes inproc or process; got '" + b + "'");
                    };
                }
                case "--help", "-h" -> {
                    ctx.out().println("Usage: lingon demo [--seconds N] [--backend inproc|process]");
                    ctx.out().println("Boots dom0 and three domains (a frontend and two ledger shards talking through");
                    ctx.out().println("Xen mailboxes), prints the domain list and live rates, crashes shard-2 on purpose and shows");
                    ctx.out().println("on_crash=restart bring it back, then shuts down. Default length " + DEFAULT_LENGTH.toSeconds() + " s.");
                    ctx.out().println("--backend inproc (default): every domain in this JVM; process: each domain in its own JVM process.");
                    ctx.out().flush();
                    return 0;
                }
                default -> throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG,
                        "unknown demo option '" + a + "' (try lingon demo --help)");
            }
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runnable unregister = ctx.onTerminate(stop::countDown);
        try {
            return LedgerDemo.run(ctx.out(), length, backend, stop, toolstack -> {
                try {
                    return ctx.serve(toolstack);
                } catch (Dom0Exception e) {
                    // Another dom0 holds the socket: the demo still runs, only unreachable from another shell.
                    ctx.err().println("lingon demo: not serving the control socket: " + e.getMessage());
                    ctx.err().flush();
                    return () -> { };
                }
            });
        } finally {
            unregister.run();
        }
    }

    private static long parseSeconds(List<String> args, int i) {
        String v = i < args.size() ? args.get(i) : "";
        try {
            long s = Long.parseLong(v);
            if (s >= 3 && s <= 3600) {
                return s;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Dom0Exception(Dom0Exception.Kind.BAD_CONFIG, "--seconds takes a whole number of seconds from 3 to 3600; got '" + v + "'");
    }
}
