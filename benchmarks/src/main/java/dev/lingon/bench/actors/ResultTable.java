package dev.lingon.bench.actors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SequencedSet;

/**
 * Renders results as a plain-text table: one row per scenario, size and metric; one column per
 * runtime with {@code median [min..max]}; then ratio columns "R vs B": how many times better runtime R
 * is than baseline B, from the medians (throughput R/B, times and bytes B/R, so above 1 is always
 * better). Rows and runtimes keep the order in which they first appear.
 */
final class ResultTable {

    private ResultTable() {
    }

    /**
     * @param baselines runtimes to compare the others with, e.g. {@code pekko-default} and
     *                  {@code beam}; those that are absent from the results are skipped
     */
    static String render(List<Result> results, List<String> baselines) {
        SequencedSet<String> runtimes = new LinkedHashSet<>();
        Map<String, Map<String, Result>> rows = new LinkedHashMap<>();
        for (Result r : results) {
            runtimes.add(r.runtime());
            rows.computeIfAbsent(r.rowKey(), k -> new LinkedHashMap<>()).put(r.runtime(), r);
        }
        List<String[]> ratios = ratioPairs(List.copyOf(runtimes), baselines);

        List<String> header = new ArrayList<>(List.of("scenario", "parameters", "metric", "unit"));
        header.addAll(runtimes);
        for (String[] pair : ratios) {
            header.add(pair[0] + " vs " + pair[1]);
        }
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (Map<String, Result> row : rows.values()) {
            Result any = row.values().iterator().next();
            List<String> line = new ArrayList<>(List.of(any.scenario(), any.parameters(),
                    any.metric().name(), any.metric().unit()));
            for (String runtime : runtimes) {
                Result r = row.get(runtime);
                line.add(r == null ? "-" : cell(r));
            }
            for (String[] pair : ratios) {
                Result r = row.get(pair[0]);
                Result b = row.get(pair[1]);
                line.add(r == null || b == null ? "-" : String.format(Locale.ROOT, "%.2fx", ratio(r, b)));
            }
            lines.add(line);
        }
        return layout(lines, 4);
    }

    /** How many times better {@code r} is than {@code baseline}; above 1 is better. */
    static double ratio(Result r, Result baseline) {
        return switch (r.metric().better()) {
            case HIGHER -> r.median() / baseline.median();
            case LOWER -> baseline.median() / r.median();
        };
    }

    /**
     * Each runtime against each baseline, not against itself; two baselines are compared once, the
     * earlier against the later (pekko-default vs beam, the JVM being the subject).
     */
    private static List<String[]> ratioPairs(List<String> runtimes, List<String> baselines) {
        List<String> present = baselines.stream().filter(runtimes::contains).distinct().toList();
        List<String[]> pairs = new ArrayList<>();
        for (int b = 0; b < present.size(); b++) {
            for (String runtime : runtimes) {
                int asBaseline = present.indexOf(runtime);
                if (!runtime.equals(present.get(b)) && (asBaseline < 0 || asBaseline < b)) {
                    pairs.add(new String[] {runtime, present.get(b)});
                }
            }
        }
        return pairs;
    }

    private static String cell(Result r) {
        if (r.runs() == 1) {
            return compact(r.median());
        }
        return compact(r.median()) + " [" + compact(r.min()) + ".." + compact(r.max()) + "]";
    }

    /** Three or four significant figures, with k/M/G for large values. */
    static String compact(double value) {
        double a = Math.abs(value);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2fG", value / 1e9);
        } else if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", value / 1e6);
        } else if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.1fk", value / 1e3);
        } else if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        } else if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** Pads columns; the first {@code textColumns} are left-aligned, the figures right-aligned. */
    private static String layout(List<List<String>> lines, int textColumns) {
        int columns = lines.getFirst().size();
        int[] width = new int[columns];
        for (List<String> line : lines) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], line.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : lines) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                String cell = line.get(c);
                String pad = " ".repeat(width[c] - cell.length());
                text.append(c < textColumns ? cell + pad : pad + cell);
                if (c < columns - 1) {
                    text.append("  ");
                }
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
