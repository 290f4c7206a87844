package dev.lingon.xen.serialization;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/** ActorSystems for the serializer's tests: quiet, Java serialization off, test messages bound and registered. */
final class TestSystems {
    private TestSystems() {
    }

    static final String BASE = """
            pekko.loglevel = WARNING
            pekko.stdout-loglevel = OFF
            pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
            pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
            pekko.log-dead-letters = off
            pekko.log-dead-letters-during-shutdown = off
            pekko.actor.allow-java-serialization = off
            pekko.actor.serialization-bindings {
              "dev.lingon.xen.serialization.Messages$Wire" = lingon-kryo
            }
            lingon.serialization.kryo.classes = ["dev.lingon.xen.serialization.Messages$Wire"]
            """;

    static final String REMOTE = """
            pekko.actor.provider = remote
            pekko.remote.artery.transport = tcp
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.remote.artery.advanced.shutdown-flush-timeout = 200ms
            pekko.remote.warn-about-direct-use = off
            pekko.remote.use-unsafe-remote-features-outside-cluster = on
            """;

    /** A local ActorSystem; {@code extra} overrides the base configuration. */
    static ActorTestKit local(String name, String extra) {
        return ActorTestKit.create(name, config(extra));
    }

    /** An ActorSystem with Artery TCP on a free loopback port. */
    static ActorTestKit remote(String name, String extra) {
        return ActorTestKit.create(name, config(REMOTE + "\n" + extra));
    }

    static Config config(String extra) {
        return ConfigFactory.parseString(extra).withFallback(ConfigFactory.parseString(BASE)).withFallback(ConfigFactory.load()).resolve();
    }

    static KryoSerializer serializer(ActorTestKit kit) {
        return KryoSerializer.get(kit.system());
    }
}
