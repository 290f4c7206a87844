package dev.lingon.bench.actors;

import com.typesafe.config.Config;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * Creates the typed {@link ActorSystem} a benchmark run executes on; the factory is the only thing
 * that differs between the runtimes compared side by side (Pekko's default fork-join dispatcher, the
 * Lingon kernel scheduler, …).
 *
 * <p>The harness calls {@link #create} once per run, runs one scenario on the system, then calls
 * {@code terminate()} and waits for {@code getWhenTerminated()} before the next run, so a factory
 * never sees two of its systems alive at once. A factory that needs resources besides the system
 * (a hypervisor, a domain, shared-memory segments) creates them in {@link #create} and releases them
 * from {@code system.getWhenTerminated()}; the harness holds no other handle on them.
 *
 * <p>Two ways to plug in another dispatcher:
 * <ul>
 *   <li>Configuration only: a {@link ConfigOverlayFactory} whose overlay names the executor, e.g.
 *       {@code pekko.actor.default-dispatcher.executor = "dev.lingon.scheduler.…Configurator"} (and the
 *       same for {@code pekko.actor.internal-dispatcher} when that should move too). Register it in
 *       {@link ActorSystemFactories#named} or pass it on the command line with
 *       {@code --factory-config NAME=HOCON}.</li>
 *   <li>Code: implement this interface when the system must be built differently (an
 *       {@code ActorSystemSetup}, a domain booted first), and register it in
 *       {@link ActorSystemFactories#named}.</li>
 * </ul>
 *
 * <p>Implementations are called from the harness's main thread only.
 */
public interface ActorSystemFactory {

    /** The runtime's label in tables and CSV files, e.g. {@code pekko-default}; no commas or spaces. */
    String name();

    /**
     * Creates and starts an actor system with the given guardian.
     *
     * @param guardian      the user guardian behavior
     * @param systemName    the system's name (a valid Pekko actor-system name)
     * @param harnessConfig settings every runtime gets alike (logging through SLF4J, no dead-letter
     *                      logging); the factory layers its own settings above it, and both above
     *                      {@code ConfigFactory.load()}
     */
    <T> ActorSystem<T> create(Behavior<T> guardian, String systemName, Config harnessConfig);
}
