package dev.lingon.scheduler.mailbox;

import org.apache.pekko.actor.typed.ActorRef;

/** Messages these tests send between domains; registered with lingon-kryo as one sealed hierarchy. */
public sealed interface Wire {
    record Ping(int n, ActorRef<Wire> replyTo) implements Wire {
    }

    record Pong(int n) implements Wire {
    }

    /** Local only: tells its receiver to send {@code count} Pongs to {@code to} in one go. */
    record Burst(int count, ActorRef<Wire> to) implements Wire {
    }

    String CONFIG = String.join("\n",
            "pekko.actor.serialization-bindings { \"dev.lingon.scheduler.mailbox.Wire\" = lingon-kryo }",
            "lingon.serialization.kryo.classes = [\"dev.lingon.scheduler.mailbox.Wire\"]");
}
