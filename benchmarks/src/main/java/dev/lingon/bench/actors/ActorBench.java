package dev.lingon.bench.actors;

import dev.lingon.bench.CoreToCore;

import com.typesafe.config.Config;

import org.apache.pekko.actor.typed.ActorSystem;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the whole-system actor benchmarks on every runtime given and prints one table with them side
 * by side (see the package documentation for the scenarios and how runs are organised).
 *
 * <pre>java -Xms8g -Xmx8g --enable-native-access=ALL-UNNAMED -Dkryo.unsafe=false \
 *     -cp benchmarks/target/benchmarks.jar dev.lingon.bench.actors.ActorBench --quick</pre>
 *
 * <p>The table goes to standard output; progress, one line per run, to standard error. Exit status
 * 0 when every run finished, 1 when one failed, 2 for a bad command line.
 */
public final class ActorBench {

    /** Every run's actor system has this name; only one is alive at a time. */
    static final String SYSTEM_NAME = "lingon-bench";

    private final Options options;
    private final PrintStream out;
    private final PrintStream progress;

    private ActorBench(Options options, PrintStream out, PrintStream progress) {
        this.options = options;
        this.out = out;
        this.progress = progress;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ActorBench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(Options.USAGE);
            return;
        }
        int status;
        try {
            new ActorBench(options, System.out, System.err).run();
            status = 0;
        } catch (Exception e) {
            System.err.println("ActorBench: failed: " + e);
            e.printStackTrace(System.err);
            status = 1;
        }
        // Explicitly, so that a runtime which leaves a non-daemon thread behind cannot hang the launcher.
        System.exit(status);
    }

    private void run() throws InterruptedException, IOException {
        List<Scenario> scenarios = options.buildScenarios();
        printEnvironment();

        List<Result> results = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            results.addAll(measure(scenario));
        }

        out.println();
        out.println("JVM results: median [min..max] of " + options.runs() + " run(s); \"R vs B\" = how many times"
                + " better R is than B, from medians (>1 is better)");
        out.print(ResultTable.render(results, List.of(options.factories().getFirst().name())));
        if (options.csv().isPresent()) {
            ResultCsv.write(options.csv().get(), results);
            out.println("CSV: " + options.csv().get());
        }
    }

    /**
     * Warm-ups, then measured runs, of one scenario on every runtime. Each round runs every runtime
     * once, starting one further along the list than the previous round, so that background noise and
     * the previous run's after-effects (JIT, GC) fall on each runtime alike.
     */
    private List<Result> measure(Scenario scenario) throws InterruptedException {
        List<ActorSystemFactory> factories = options.factories();
        String label = scenario.name() + " " + scenario.parameters();
        for (int round = 0; round < options.warmups(); round++) {
            for (ActorSystemFactory factory : rotated(factories, round)) {
                Run run = runOnce(scenario, factory);
                progress.printf("[%s] %s warm-up %d/%d: %s%n", label, factory.name(), round + 1,
                        options.warmups(), describe(scenario, run));
            }
        }
        Map<String, double[][]> samples = new LinkedHashMap<>();
        for (ActorSystemFactory factory : factories) {
            samples.put(factory.name(), new double[scenario.metrics().size()][options.runs()]);
        }
        double[] coreRtt = new double[options.runs()];
        for (int round = 0; round < options.runs(); round++) {
            // Where the host has put this VM's vCPUs right now, or that a core is taken (microseconds;
            // see CoreToCore): printed with the paired ratios below, since it moves every figure that
            // passes messages between cores.
            coreRtt[round] = CoreToCore.roundTripNanos(30);
            for (ActorSystemFactory factory : rotated(factories, round)) {
                Run run = runOnce(scenario, factory);
                progress.printf("[%s] %s run %d/%d: %s%n", label, factory.name(), round + 1,
                        options.runs(), describe(scenario, run));
                double[][] perMetric = samples.get(factory.name());
                for (int m = 0; m < run.values().length; m++) {
                    perMetric[m][round] = run.values()[m];
                }
            }
        }
        printPairedRatios(label, scenario, factories, samples, coreRtt);
        List<Result> results = new ArrayList<>();
        for (int m = 0; m < scenario.metrics().size(); m++) {
            for (ActorSystemFactory factory : factories) {
                results.add(Result.of(scenario, scenario.metrics().get(m), factory.name(),
                        samples.get(factory.name())[m]));
            }
        }
        return results;
    }

    /**
     * Each runtime against the first, round by round: the runs of one round are back to back, so their
     * ratio is taken on one state of the machine, where the table's ratio of medians mixes states. The
     * median of these paired ratios is the steadier comparison on a VM whose speed drifts.
     */
    private void printPairedRatios(String label, Scenario scenario, List<ActorSystemFactory> factories,
                                   Map<String, double[][]> samples, double[] coreRtt) {
        ActorSystemFactory base = factories.getFirst();
        for (ActorSystemFactory factory : factories.subList(1, factories.size())) {
            for (int m = 0; m < scenario.metrics().size(); m++) {
                Metric metric = scenario.metrics().get(m);
                double[] ours = samples.get(factory.name())[m];
                double[] theirs = samples.get(base.name())[m];
                double[] ratios = new double[ours.length];
                StringBuilder perRound = new StringBuilder();
                for (int r = 0; r < ours.length; r++) {
                    ratios[r] = metric.better() == Metric.Better.HIGHER ? ours[r] / theirs[r] : theirs[r] / ours[r];
                    perRound.append(String.format(Locale.ROOT, "%s%.2f (%d ns)", r == 0 ? "" : ", ", ratios[r], Math.round(coreRtt[r])));
                }
                double[] sorted = ratios.clone();
                Arrays.sort(sorted);
                progress.printf(Locale.ROOT, "[%s] %s %s vs %s: median of paired ratios %.2fx; per round (core-to-core round trip before it): %s%n",
                        label, metric.name(), factory.name(), base.name(), sorted[sorted.length / 2], perRound);
            }
        }
    }

    /**
     * The outcome of one run: one value per metric, and how long the system took to terminate
     * afterwards (not a metric; shown in the progress lines because a slow termination makes a long
     * benchmark).
     */
    private record Run(double[] values, long terminationNanos) {
    }

    /**
     * One run on a fresh actor system, terminated and awaited before returning, also when the run
     * fails. The collection beforehand makes the previous run's garbage this run's cost no more.
     */
    private static Run runOnce(Scenario scenario, ActorSystemFactory factory) throws InterruptedException {
        System.gc();
        ActorSystem<Guardian.Command> system = factory.create(Guardian.create(), SYSTEM_NAME, HarnessConfig.get());
        double[] values;
        try {
            values = scenario.run(system);
        } catch (Throwable failure) {
            terminateAfter(failure, system, factory);
            throw failure;
        }
        long terminationStart = System.nanoTime();
        terminate(system, factory);
        long termination = System.nanoTime() - terminationStart;
        if (values.length != scenario.metrics().size()) {
            throw new IllegalStateException(scenario.name() + " returned " + values.length + " values for "
                    + scenario.metrics().size() + " metrics");
        }
        return new Run(values, termination);
    }

    private static void terminate(ActorSystem<?> system, ActorSystemFactory factory) throws InterruptedException {
        system.terminate();
        Waits.await(system.getWhenTerminated(), "terminating " + factory.name() + "'s actor system");
    }

    /** Terminates after a failed run; a second failure is attached to the first, which stays the cause. */
    private static void terminateAfter(Throwable failure, ActorSystem<?> system, ActorSystemFactory factory) {
        try {
            terminate(system, factory);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        }
    }

    private static List<ActorSystemFactory> rotated(List<ActorSystemFactory> factories, int round) {
        int shift = round % factories.size();
        List<ActorSystemFactory> order = new ArrayList<>(factories.subList(shift, factories.size()));
        order.addAll(factories.subList(0, shift));
        return order;
    }

    private static String describe(Scenario scenario, Run run) {
        List<String> parts = new ArrayList<>();
        for (int m = 0; m < run.values().length; m++) {
            Metric metric = scenario.metrics().get(m);
            parts.add(metric.name() + " " + ResultTable.compact(run.values()[m]) + " " + metric.unit());
        }
        return String.join(", ", parts) + " (system terminated in "
                + ResultTable.compact(run.terminationNanos() / 1e6) + " ms)";
    }

    /** The machine, the JVM and, per runtime, the dispatcher its actors actually ran on. */
    private void printEnvironment() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        out.printf(Locale.ROOT, "Lingon actor benchmarks, JVM side: Java %s (%s), %d CPUs, heap max %d MiB, GC %s%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"), rt.availableProcessors(),
                rt.maxMemory() >> 20, String.join("+", ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(gc -> gc.getName()).toList()));
        out.printf("runs: %d measured after %d warm-up(s) per runtime and size, each on a fresh actor system%n",
                options.runs(), options.warmups());
        for (ActorSystemFactory factory : options.factories()) {
            out.printf("runtime %s: %s%n", factory.name(), probe(factory));
        }
    }

    /** Starts a system of the factory once, to report its dispatcher and the thread actors run on. */
    private static String probe(ActorSystemFactory factory) throws InterruptedException {
        ActorSystem<Guardian.Command> system = factory.create(Guardian.create(), SYSTEM_NAME, HarnessConfig.get());
        String summary;
        try {
            String thread = Waits.await(Guardian.call(system, context -> Thread.currentThread().getName()),
                    "probing " + factory.name());
            summary = dispatcherSummary(system.settings().config()) + "; actors run on thread '" + thread + "'";
        } catch (Throwable failure) {
            terminateAfter(failure, system, factory);
            throw failure;
        }
        terminate(system, factory);
        return summary;
    }

    private static String dispatcherSummary(Config config) {
        Config dispatcher = config.getConfig("pekko.actor.default-dispatcher");
        String executor = dispatcher.getString("executor");
        String effective = executor.equals("default-executor")
                ? dispatcher.getString("default-executor.fallback")
                : executor;
        StringBuilder summary = new StringBuilder("default-dispatcher executor ").append(executor);
        if (!effective.equals(executor)) {
            summary.append(" -> ").append(effective);
        }
        if (effective.equals("fork-join-executor")) {
            Config fj = dispatcher.getConfig("fork-join-executor");
            int wanted = (int) Math.ceil(Runtime.getRuntime().availableProcessors() * fj.getDouble("parallelism-factor"));
            int parallelism = Math.min(fj.getInt("parallelism-max"), Math.max(fj.getInt("parallelism-min"), wanted));
            summary.append(" (parallelism ").append(parallelism).append(')');
        }
        summary.append(", throughput ").append(dispatcher.getInt("throughput"));
        return summary.toString();
    }
}
