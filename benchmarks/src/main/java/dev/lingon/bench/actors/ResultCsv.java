package dev.lingon.bench.actors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CSV form of results, shared with the Erlang side ({@code benchmarks/erlang/actors.escript}
 * writes the same header and columns), so {@link CompareResults} can put them side by side:
 *
 * <pre>scenario,parameters,metric,unit,better,runtime,runs,median,min,max
 * ring,n=1000 m=1000,throughput,hops/s,higher,pekko-default,5,1.2345E7,1.2E7,1.3E7</pre>
 *
 * No field contains a comma, so there is no quoting.
 */
final class ResultCsv {

    static final String HEADER = "scenario,parameters,metric,unit,better,runtime,runs,median,min,max";

    private ResultCsv() {
    }

    static void write(Path file, List<Result> results) throws IOException {
        List<String> lines = new ArrayList<>(results.size() + 1);
        lines.add(HEADER);
        for (Result r : results) {
            List<String> fields = List.of(r.scenario(), r.parameters(), r.metric().name(), r.metric().unit(),
                    r.metric().better().csvName(), r.runtime(), Integer.toString(r.runs()),
                    number(r.median()), number(r.min()), number(r.max()));
            for (String field : fields) {
                if (field.contains(",")) {
                    throw new IllegalArgumentException("a CSV field contains a comma: '" + field + "'");
                }
            }
            lines.add(String.join(",", fields));
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    static List<Result> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().strip().equals(HEADER)) {
            throw new IOException(file + ": not a results file (expected header '" + HEADER + "')");
        }
        List<Result> results = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 10) {
                throw new IOException(file + ":" + (i + 1) + ": expected 10 fields, got " + f.length);
            }
            try {
                Metric metric = new Metric(f[2], f[3], Metric.Better.fromCsv(f[4]));
                results.add(new Result(f[0], f[1], metric, f[5], Integer.parseInt(f[6]),
                        Double.parseDouble(f[7]), Double.parseDouble(f[8]), Double.parseDouble(f[9])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return results;
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
