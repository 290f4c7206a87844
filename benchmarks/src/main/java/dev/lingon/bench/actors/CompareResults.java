package dev.lingon.bench.actors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts result files side by side: the JVM harness's CSV and the Erlang program's, as
 * {@code benchmarks/run-actors} does after running both.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.lingon.bench.actors.CompareResults \
 *     [--baseline NAME]... jvm.csv beam.csv</pre>
 *
 * <p>Baselines, if none are given: the first runtime of the first file (Pekko's default dispatcher
 * when the JVM harness ran with its defaults), then {@code beam}. Rows that only one side measured
 * (different sizes or scenarios) show "-" for the other.
 */
public final class CompareResults {

    /** The runtime name the Erlang program writes. */
    static final String BEAM = "beam";

    private CompareResults() {
    }

    public static void main(String[] args) {
        List<Path> files = new ArrayList<>();
        List<String> baselines = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--baseline") && i + 1 < args.length) {
                baselines.add(args[++i]);
            } else if (args[i].startsWith("-")) {
                System.err.println("usage: CompareResults [--baseline NAME]... RESULTS.csv...");
                System.exit(2);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: CompareResults [--baseline NAME]... RESULTS.csv...");
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        try {
            for (Path file : files) {
                results.addAll(ResultCsv.read(file));
            }
        } catch (IOException e) {
            System.err.println("CompareResults: " + e.getMessage());
            System.exit(1);
        }
        if (results.isEmpty()) {
            System.err.println("CompareResults: no results in " + files);
            System.exit(1);
        }
        if (baselines.isEmpty()) {
            baselines.add(results.getFirst().runtime());
            baselines.add(BEAM);
        }
        System.out.println("Combined: median [min..max]; \"R vs B\" = how many times better R is than B,"
                + " from medians (>1 is better)");
        System.out.print(ResultTable.render(results, baselines));
    }
}
