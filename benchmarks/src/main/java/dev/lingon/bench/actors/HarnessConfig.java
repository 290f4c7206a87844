package dev.lingon.bench.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The settings every runtime under test gets alike, below each factory's own overlay.
 *
 * <p>Standard output carries the result table, so Pekko's standard-out logger is silenced and its
 * events go through SLF4J (logback, to standard error). Dead letters are not logged: terminating a
 * system with a million children produces some, and logging them would be measured noise in the
 * next run, not a finding.
 *
 * <p>Terminating a system with a million actors under one parent takes Pekko longer than the 10 s
 * its last coordinated-shutdown phase allows by default; the phase would time out with a warning and
 * termination go on regardless. The harness waits for termination itself (up to
 * {@link Waits#LIMIT_SECONDS}), so the phase is given as long.
 */
final class HarnessConfig {

    private static final Config CONFIG = ConfigFactory.parseString("""
            pekko {
              loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
              logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
              loglevel = "WARNING"
              stdout-loglevel = "OFF"
              log-dead-letters = off
              log-dead-letters-during-shutdown = off
              coordinated-shutdown.phases.actor-system-terminate.timeout = %d s
            }
            """.formatted(Waits.LIMIT_SECONDS));

    private HarnessConfig() {
    }

    static Config get() {
        return CONFIG;
    }
}
