package dev.lingon.bench.actors;

/**
 * One figure a scenario reports, e.g. ring throughput in hops/s. The unit is ASCII (us, not µs) so
 * the JVM and the Erlang tables and CSV files match byte for byte whatever the terminal's locale.
 *
 * @param name   short name, e.g. {@code throughput}, {@code creation}
 * @param unit   e.g. {@code msg/s}, {@code hops/s}, {@code ms}, {@code us/actor}, {@code bytes/actor}
 * @param better which direction is an improvement, for ratios between runtimes
 */
record Metric(String name, String unit, Better better) {

    enum Better {
        HIGHER, LOWER;

        String csvName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Better fromCsv(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    static Metric higherIsBetter(String name, String unit) {
        return new Metric(name, unit, Better.HIGHER);
    }

    static Metric lowerIsBetter(String name, String unit) {
        return new Metric(name, unit, Better.LOWER);
    }
}
