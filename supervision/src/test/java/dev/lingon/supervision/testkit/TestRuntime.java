package dev.lingon.supervision.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.lingon.supervision.api.ClockSetup;
import dev.lingon.supervision.api.SupervisorReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.awaitility.Awaitility;

/**
 * One actor system per test class, on virtual time: Pekko's ManualTime drives timers (shutdown timeouts),
 * a {@link ManualClock} drives restart intensity windows, and {@link #advance} moves both together.
 *
 * <p>Created and closed by the test thread.
 */
public final class TestRuntime implements AutoCloseable {

    static {
        Awaitility.setDefaultPollInterval(Duration.ofMillis(2));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
        Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
    }

    private final ManualClock clock = new ManualClock();
    private final ActorTestKit kit;
    private final ManualTime time;
    private final AtomicInteger names = new AtomicInteger();

    public TestRuntime(String name) {
        Config config = ManualTime.config()
                .withFallback(ConfigFactory.parseString("""
                        pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                        pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                        pekko.loglevel = WARNING
                        pekko.log-dead-letters = off
                        """))
                .withFallback(ActorTestKit.applicationTestConfig());
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), name,
                ActorSystemSetup.create(BootstrapSetup.create(config), new ClockSetup(clock)));
        kit = ActorTestKit.create(system);
        time = ManualTime.get(system);
    }

    public ActorSystem<?> system() {
        return kit.system();
    }

    public ActorTestKit kit() {
        return kit;
    }

    public ManualClock clock() {
        return clock;
    }

    /** Moves virtual time: the intensity clock and Pekko's scheduler (due timers fire on this thread). */
    public void advance(Duration by) {
        clock.advance(by);
        time.timePasses(by);
    }

    /** A fresh actor name. */
    public String name(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    /**
     * A probe subscribed to supervisor reports. The event stream handles subscriptions and publications in
     * the order they reach it, so every report published after this returns reaches the probe.
     */
    public TestProbe<SupervisorReport> reports() {
        TestProbe<SupervisorReport> probe = kit.createTestProbe();
        system().eventStream().tell(new EventStream.Subscribe<>(SupervisorReport.class, probe.ref()));
        return probe;
    }

    @Override
    public void close() {
        kit.shutdownTestKit();
    }
}
