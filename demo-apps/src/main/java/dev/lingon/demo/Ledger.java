package dev.lingon.demo;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.List;

/** The demo's protocol between its frontend domain and its ledger shards; crosses domains through Xen mailboxes. */
public sealed interface Ledger {

    /** A batch of deposits; the shard answers {@link Booked}. */
    record Deposits(long batch, List<Deposit> deposits, ActorRef<Ledger> replyTo) implements Ledger {
    }

    record Deposit(String account, long cents) implements Ledger {
    }

    record Booked(long batch, int count, String shard) implements Ledger {
    }

    /** Asks a shard for its totals. */
    record Totals(ActorRef<Ledger> replyTo) implements Ledger {
    }

    record TotalsAre(String shard, long accounts, long deposits, long cents) implements Ledger {
    }

    /** Makes the shard's kernel panic: the domain crashes on purpose. */
    enum Panic implements Ledger { PANIC }

    String CONFIG = String.join("\n",
            "pekko.actor.serialization-bindings { \"dev.lingon.demo.Ledger\" = lingon-kryo }",
            "lingon.serialization.kryo.classes = [\"dev.lingon.demo.Ledger\"]",
            "pekko.actor.allow-java-serialization = off");
}
