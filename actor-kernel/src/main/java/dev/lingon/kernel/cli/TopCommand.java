package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code lingon top}: per-domain kernel scheduler figures, refreshed every interval, as xentop shows
 * its own. On a terminal the screen is redrawn; otherwise (or with {@code -b}) each sample is printed
 * below the previous one, separated by a blank line.
 */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Show per-domain scheduler figures (CPU, slices, events, steals, run queue), refreshing.")
final class TopCommand implements Callable<Integer> {

    /** ANSI: cursor home, erase the screen. */
    static final String CLEAR_SCREEN = "\033[H\033[2J";

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000",
            description = "milliseconds between samples (default: ${DEFAULT-VALUE})")
    long intervalMs;

    @Option(names = {"-i", "--iterations"}, paramLabel = "N", description = "stop after N samples (default: until Ctrl-C)")
    Integer iterations;

    @Option(names = {"-b", "--batch"}, description = "print samples one below the other, even on a terminal")
    boolean batch;

    @Override
    public Integer call() throws InterruptedException {
        if (intervalMs < 1) {
            throw new ParameterException(spec.commandLine(), "--interval must be at least 1 ms; got " + intervalMs);
        }
        if (iterations != null && iterations < 1) {
            throw new ParameterException(spec.commandLine(), "--iterations must be at least 1; got " + iterations);
        }
        Dom0Api dom0 = lingon.dom0();
        PrintWriter out = spec.commandLine().getOut();
        boolean redraw = lingon.env().terminal() && !batch;
        for (int n = 1; ; n++) {
            var rows = dom0.top();
            if (redraw) {
                out.print(CLEAR_SCREEN);
            } else if (n > 1) {
                out.println();
            }
            Tables.top(out, rows);
            if (iterations != null && n >= iterations) {
                return 0;
            }
            lingon.env().sleeper().sleep(Duration.ofMillis(intervalMs));
        }
    }
}
