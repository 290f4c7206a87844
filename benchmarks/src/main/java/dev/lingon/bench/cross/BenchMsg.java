package dev.lingon.bench.cross;

import org.apache.pekko.actor.typed.ActorRef;

/** The messages of the cross-domain benchmark; one sealed hierarchy registered with lingon-kryo on every side. */
public sealed interface BenchMsg {

    /** Tells the receiver who to acknowledge to. */
    record Start(ActorRef<BenchMsg> sender, long total) implements BenchMsg {
    }

    /** One measured message; {@code bytes} is the payload size under test. */
    record Payload(long seq, byte[] bytes) implements BenchMsg {
    }

    /** The receiver has taken every message up to {@code upTo}. */
    record Ack(long upTo) implements BenchMsg {
    }

    record Ping(long n, ActorRef<BenchMsg> replyTo) implements BenchMsg {
    }

    record Pong(long n) implements BenchMsg {
    }

    String KRYO_CONFIG = String.join("\n",
            "pekko.actor.serialization-bindings { \"dev.lingon.bench.cross.BenchMsg\" = lingon-kryo }",
            "lingon.serialization.kryo.classes = [\"dev.lingon.bench.cross.BenchMsg\"]",
            "pekko.actor.allow-java-serialization = off");
}
