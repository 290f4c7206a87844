package dev.lingon.bench.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

import java.util.Objects;

/**
 * An {@link ActorSystemFactory} that differs from plain Pekko only by configuration: the overlay wins
 * over the harness's settings, which win over {@code ConfigFactory.load()} (application.conf, then
 * every reference.conf). An empty overlay is Pekko's default dispatcher.
 *
 * <p>Pekko's {@code ActorSystem.create(behavior, name, config)} adds only the reference
 * configuration as a fallback, not application.conf, so the loaded configuration is appended here
 * explicitly; a {@code -Dpekko…} system property therefore still applies to every runtime alike.
 *
 * @param name    the runtime's label, e.g. {@code pekko-default}
 * @param overlay the settings that make this runtime, e.g. the default dispatcher's executor
 */
public record ConfigOverlayFactory(String name, Config overlay) implements ActorSystemFactory {

    public ConfigOverlayFactory {
        Objects.requireNonNull(overlay, "overlay");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("factory name must be [A-Za-z0-9._-]+: '" + name + "'");
        }
    }

    /** A factory from HOCON text, e.g. {@code pekko.actor.default-dispatcher.executor = "…"}. */
    public static ConfigOverlayFactory fromHocon(String name, String hocon) {
        return new ConfigOverlayFactory(name, ConfigFactory.parseString(hocon));
    }

    @Override
    public <T> ActorSystem<T> create(Behavior<T> guardian, String systemName, Config harnessConfig) {
        Config config = overlay.withFallback(harnessConfig).withFallback(ConfigFactory.load()).resolve();
        return ActorSystem.create(guardian, systemName, config);
    }
}
