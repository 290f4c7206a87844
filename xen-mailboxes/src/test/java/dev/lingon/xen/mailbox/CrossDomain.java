package dev.lingon.xen.mailbox;

import org.apache.pekko.actor.typed.ActorRef;

/** Messages the mailbox tests send between domains; all registered with lingon-kryo as one sealed hierarchy. */
sealed interface CrossDomain {

    record Ping(int n, ActorRef<Pong> replyTo) implements CrossDomain {
    }

    record Pong(int n, String from) implements CrossDomain {
    }

    record Numbered(int sender, long seq) implements CrossDomain {
    }

    record Blob(byte[] bytes) implements CrossDomain {
    }

    record Count(ActorRef<Counted> replyTo) implements CrossDomain {
    }

    record Counted(long messages, long checksum) implements CrossDomain {
    }

    enum Stop implements CrossDomain { STOP }
}
