package dev.lingon.bench.actors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's command line. The sizes and their defaults are also those of the Erlang program
 * ({@code benchmarks/erlang/actors.escript}), which reads the same options, so that both sides
 * report the same rows; change them in both places.
 *
 * <p>{@code --quick} switches every size to its smoke-run value first; options given explicitly win
 * over it, whatever their position.
 *
 * @param help              print {@link #USAGE} and stop
 * @param scenarios         the scenario families to run, in order
 * @param runs              measured runs per runtime and size
 * @param warmups           runs before the measured ones, per runtime and size, not reported
 * @param pairs             the ping-pong pair counts, one scenario each
 * @param roundTrips        ping-pong round trips per pair
 * @param rings             the ring sizes, one scenario each
 * @param senders           fan-in senders
 * @param messagesPerSender fan-in messages per sender
 * @param actors            spawn: idle actors
 * @param spawnParents      spawn: the numbers of parents the actors are spread over, one scenario each
 * @param factories         the runtimes, in comparison order; the first is the baseline
 * @param csv               where to write the results as CSV, if anywhere
 */
record Options(boolean help, List<String> scenarios, int runs, int warmups, List<Integer> pairs, int roundTrips,
               List<RingSize> rings, int senders, int messagesPerSender, int actors, List<Integer> spawnParents,
               List<ActorSystemFactory> factories, Optional<Path> csv) {

    static final List<String> SCENARIOS = List.of("ping-pong", "ring", "fan-in", "spawn");

    static final String USAGE = """
            usage: ActorBench [options]      (benchmarks/run-actors passes these through)
              --quick                 smoke-run sizes (1 run, 1 warm-up, small counts): seconds, not figures
              --scenarios LIST        any of ping-pong,ring,fan-in,spawn (default: all, in that order)
              --runs N                measured runs per runtime and size (default 5; quick 1)
              --warmups N             unreported runs before them (default 2; quick 1)
              --pairs LIST            ping-pong pair counts (default 1,8)
              --round-trips N         ping-pong round trips per pair (default 500000; quick 10000)
              --rings LIST            ring sizes NxM, n actors and m laps (default 1000x1000,100000x10;
                                      quick 1000x20,10000x5)
              --senders N             fan-in senders (default 100)
              --messages N            fan-in messages per sender (default 50000; quick 1000)
              --actors N              spawn: idle actors (default 1000000; quick 100000)
              --spawn-parents LIST    spawn: parent counts the actors are spread over (default 1,1000:
                                      one parent, and 1000 which keep Pekko's per-parent child map
                                      small; see SpawnScenario)
              --factories LIST        runtimes to compare, in order, the first being the baseline; built in:
                                      %s (default: pekko-default, lingon-kernel, then each --factory-config);
                                      bare-executor is a bound, not a runtime: Pekko on about the least an
                                      executor can do (no stealing, fairness or events; see BareExecutorConfigurator)
              --factory-config NAME=HOCON
                                      a runtime that is Pekko plus this configuration, e.g.
                                      'kernel=pekko.actor.default-dispatcher.executor="com.example.Configurator"'
                                      (repeatable)
              --csv FILE              also write the results as CSV (the format CompareResults reads)
              -h, --help              this text
            Every runtime runs each size in turn (warm-ups, then measured runs, the order rotating each
            round), each run on a fresh actor system that is terminated before the next.
            """.formatted(String.join(", ", ActorSystemFactories.NAMES));

    /** A ring of {@code n} actors and {@code m} laps. */
    record RingSize(int n, int m) {
        static RingSize parse(String text) {
            String[] parts = text.split("x", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("a ring size is NxM (e.g. 1000x1000), got '" + text + "'");
            }
            return new RingSize(positive("ring n", parts[0]), positive("ring m", parts[1]));
        }
    }

    /** The scenarios these options select, in the order they run. */
    List<Scenario> buildScenarios() {
        List<Scenario> built = new ArrayList<>();
        for (String name : scenarios) {
            switch (name) {
                case "ping-pong" -> pairs.forEach(p -> built.add(new PingPongScenario(p, roundTrips)));
                case "ring" -> rings.forEach(r -> built.add(new RingScenario(r.n(), r.m())));
                case "fan-in" -> built.add(new FanInScenario(senders, messagesPerSender));
                case "spawn" -> spawnParents.forEach(p -> built.add(new SpawnScenario(actors, p)));
                default -> throw new IllegalArgumentException("unknown scenario '" + name + "'");
            }
        }
        return built;
    }

    static Options parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        List<String> factoryConfigs = new ArrayList<>();
        boolean quick = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--quick" -> quick = true;
                case "-h", "--help" -> help = true;
                case "--scenarios", "--runs", "--warmups", "--pairs", "--round-trips", "--rings", "--senders",
                     "--messages", "--actors", "--spawn-parents", "--factories", "--csv", "--factory-config" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (arg.equals("--factory-config")) {
                        factoryConfigs.add(value);
                    } else {
                        given.put(arg, value);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }

        List<String> scenarios = list(given.getOrDefault("--scenarios", String.join(",", SCENARIOS)));
        for (String s : scenarios) {
            if (!SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + String.join(",", SCENARIOS));
            }
        }
        int runs = positive("--runs", given.getOrDefault("--runs", quick ? "1" : "5"));
        int warmups = nonNegative("--warmups", given.getOrDefault("--warmups", quick ? "1" : "2"));
        List<Integer> pairs = list(given.getOrDefault("--pairs", "1,8")).stream()
                .map(p -> positive("--pairs", p)).toList();
        int roundTrips = positive("--round-trips", given.getOrDefault("--round-trips", quick ? "10000" : "500000"));
        List<RingSize> rings = list(given.getOrDefault("--rings", quick ? "1000x20,10000x5" : "1000x1000,100000x10"))
                .stream().map(RingSize::parse).toList();
        int senders = positive("--senders", given.getOrDefault("--senders", "100"));
        int messages = positive("--messages", given.getOrDefault("--messages", quick ? "1000" : "50000"));
        int actors = positive("--actors", given.getOrDefault("--actors", quick ? "100000" : "1000000"));
        List<Integer> spawnParents = list(given.getOrDefault("--spawn-parents", "1,1000")).stream()
                .map(p -> positive("--spawn-parents", p)).toList();
        Optional<Path> csv = Optional.ofNullable(given.get("--csv")).map(Path::of);

        Map<String, ActorSystemFactory> configured = new LinkedHashMap<>();
        for (String spec : factoryConfigs) {
            ActorSystemFactory factory = ActorSystemFactories.fromSpec(spec);
            if (configured.put(factory.name(), factory) != null || ActorSystemFactories.named(factory.name()).isPresent()) {
                throw new IllegalArgumentException("runtime '" + factory.name() + "' is defined twice");
            }
        }
        List<String> factoryNames = given.containsKey("--factories")
                ? list(given.get("--factories"))
                : concat(ActorSystemFactories.PEKKO_DEFAULT, concat(LingonKernelFactory.NAME, configured.keySet()));
        List<ActorSystemFactory> factories = new ArrayList<>();
        for (String name : factoryNames) {
            ActorSystemFactory factory = configured.containsKey(name)
                    ? configured.get(name)
                    : ActorSystemFactories.named(name).orElseThrow(() -> new IllegalArgumentException(
                            "unknown runtime '" + name + "'; built in: " + String.join(", ", ActorSystemFactories.NAMES)
                                    + "; others need --factory-config " + name + "=HOCON"));
            if (factories.stream().anyMatch(f -> f.name().equals(name))) {
                throw new IllegalArgumentException("runtime '" + name + "' is listed twice");
            }
            factories.add(factory);
        }
        return new Options(help, scenarios, runs, warmups, pairs, roundTrips, rings, senders, messages, actors,
                spawnParents, List.copyOf(factories), csv);
    }

    private static List<String> concat(String first, Iterable<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        rest.forEach(all::add);
        return all;
    }

    private static List<String> list(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("empty list '" + text + "'");
        }
        return items;
    }

    private static int positive(String what, String text) {
        int value = nonNegative(what, text);
        if (value == 0) {
            throw new IllegalArgumentException(what + " must be at least 1");
        }
        return value;
    }

    private static int nonNegative(String what, String text) {
        int value;
        try {
            value = Integer.parseInt(text.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " wants a number, got '" + text + "'");
        }
        if (value < 0) {
            throw new IllegalArgumentException(what + " must not be negative");
        }
        return value;
    }
}
