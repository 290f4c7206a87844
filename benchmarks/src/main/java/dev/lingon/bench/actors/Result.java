package dev.lingon.bench.actors;

import java.util.Arrays;

/**
 * One figure of one runtime: a metric of a scenario at one size, summarised over the measured runs.
 *
 * @param scenario   e.g. {@code ring}
 * @param parameters e.g. {@code n=1000 m=1000}
 * @param metric     what was measured, with its unit and direction
 * @param runtime    the factory's name, or {@code beam} for the Erlang side
 * @param runs       measured runs summarised
 * @param median     the median of the runs (the mean of the two middle ones for an even count)
 * @param min        the lowest run
 * @param max        the highest run
 */
record Result(String scenario, String parameters, Metric metric, String runtime, int runs,
              double median, double min, double max) {

    static Result of(Scenario scenario, Metric metric, String runtime, double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples for " + scenario.name() + " " + metric.name());
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Result(scenario.name(), scenario.parameters(), metric, runtime, n,
                median, sorted[0], sorted[n - 1]);
    }

    /** Rows of the same scenario, size and metric line up across runtimes. */
    String rowKey() {
        return scenario + "|" + parameters + "|" + metric.name();
    }
}
