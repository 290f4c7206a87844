package dev.lingon.bench.actors;

import com.typesafe.config.ConfigFactory;

import java.util.List;
import java.util.Optional;

/**
 * The runtimes the harness knows by name, for {@code --factories}. Adding one is one entry in
 * {@link #named} (a {@link ConfigOverlayFactory} for a configuration-only runtime, or any other
 * {@link ActorSystemFactory}) plus its name in {@link #NAMES}; a runtime can also be tried without
 * code through {@code --factory-config NAME=HOCON} ({@link #fromSpec}).
 */
public final class ActorSystemFactories {

    /** Pekko's own default: {@code default-executor}, which falls back to the fork-join executor. */
    public static final String PEKKO_DEFAULT = "pekko-default";

    /** A bound, not a runtime: Pekko on {@link BareExecutorConfigurator}, the least an executor can do. */
    public static final String BARE_EXECUTOR = "bare-executor";

    /** Every name {@link #named} answers, in the order {@code --help} lists them. */
    public static final List<String> NAMES = List.of(PEKKO_DEFAULT, LingonKernelFactory.NAME, BARE_EXECUTOR);

    private ActorSystemFactories() {
    }

    /** Pekko's default dispatcher, unchanged: the baseline every other runtime is compared with. */
    public static ActorSystemFactory pekkoDefault() {
        return new ConfigOverlayFactory(PEKKO_DEFAULT, ConfigFactory.empty());
    }

    /** The built-in factory of this name, if there is one. */
    public static Optional<ActorSystemFactory> named(String name) {
        return switch (name) {
            case PEKKO_DEFAULT -> Optional.of(pekkoDefault());
            case LingonKernelFactory.NAME -> Optional.of(new LingonKernelFactory(Runtime.getRuntime().availableProcessors()));
            case BARE_EXECUTOR -> Optional.of(ConfigOverlayFactory.fromHocon(BARE_EXECUTOR,
                    "pekko.actor.default-dispatcher.executor = \"" + BareExecutorConfigurator.class.getName() + "\""));
            default -> Optional.empty();
        };
    }

    /**
     * A configuration-only factory from {@code NAME=HOCON}, e.g.
     * {@code kernel=pekko.actor.default-dispatcher.executor="dev.lingon.scheduler.KernelExecutorConfigurator"}.
     * Only the first {@code =} separates the name, so the HOCON may contain more.
     */
    public static ActorSystemFactory fromSpec(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--factory-config wants NAME=HOCON, got '" + spec + "'");
        }
        return ConfigOverlayFactory.fromHocon(spec.substring(0, eq).strip(), spec.substring(eq + 1));
    }
}
