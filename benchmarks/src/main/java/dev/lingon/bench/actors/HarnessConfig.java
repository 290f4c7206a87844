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
            }
            """);

    private HarnessConfig() {
    }

    static Config get() {
        return CONFIG;
    }
}
