package dev.lingon.demo;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.Result;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frontend: turns a steady stream of deposits into batches for the ledger shards (other
 * domains), keeping a few batches in flight per shard. It finds each shard's domid through dom0's
 * name index in XenStore and its ledger through Xen mailboxes; it watches each ledger and, when a
 * shard's domain dies, looks it up again until the restarted domain (new domid) is back.
 *
 * <p>Config extras: {@code shards} (comma-separated domain names), {@code batch} (deposits per batch),
 * {@code window} (batches in flight per shard), {@code panic_shard} and {@code panic_after_ms}
 * (make that shard's kernel panic once, on purpose, after that long).
 */
@LingonImage(name = "ledger-frontend", services = {KernelService.CONSOLE, KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN})
public final class LedgerFrontend implements Application {

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder()
                .strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("driver", () -> driver(ctx)))
                .build();
    }

    @Override
    public Config config() {
        return ConfigFactory.parseString(Ledger.CONFIG);
    }

    private sealed interface Cmd {
    }

    private record Reply(Ledger message) implements Cmd {
    }

    private enum Lookup implements Cmd { LOOKUP }

    private enum Panic implements Cmd { PANIC }

    private static final class Shard {
        final String name;
        ActorRef<Ledger> ledger;
        int inFlight;

        Shard(String name) {
            this.name = name;
        }
    }

    static Behavior<Cmd> driver(DomainContext domain) {
        List<String> names = List.of(domain.extra().getOrDefault("shards", "shard-1,shard-2").split(","));
        int batchSize = Integer.parseInt(domain.extra().getOrDefault("batch", "50"));
        int window = Integer.parseInt(domain.extra().getOrDefault("window", "8"));
        String panicShard = domain.extra().get("panic_shard");
        long panicAfter = Long.parseLong(domain.extra().getOrDefault("panic_after_ms", "-1"));
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Map<String, Shard> shards = new LinkedHashMap<>();
            for (String n : names) {
                shards.put(n.trim(), new Shard(n.trim()));
            }
            ActorRef<Ledger> replies = ctx.messageAdapter(Ledger.class, Reply::new);
            long[] batch = {0};
            long[] account = {0};
            timers.startTimerWithFixedDelay(Lookup.LOOKUP, Duration.ofMillis(200));
            if (panicShard != null && panicAfter >= 0) {
                timers.startSingleTimer(Panic.PANIC, Duration.ofMillis(panicAfter));
            }
            return Behaviors.receive(Cmd.class)
                    .onMessage(Lookup.class, l -> {
                        publishBooked(domain);
                        for (Shard s : shards.values()) {
                            if (s.ledger == null && lookup(domain, ctx, s)) {
                                s.inFlight = 0;
                                fill(s, window, batchSize, batch, account, replies);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Panic.class, p -> {
                        Shard s = shards.get(panicShard);
                        if (s != null && s.ledger != null) {
                            ctx.getLog().warn("asking {} to panic, on purpose", panicShard);
                            s.ledger.tell(Ledger.Panic.PANIC);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Reply.class, r -> {
                        if (r.message() instanceof Ledger.Booked b) {
                            DemoStats.booked(b.shard(), b.count());
                            Shard s = shards.get(b.shard());
                            if (s != null && s.ledger != null) {
                                s.inFlight--;
                                fill(s, window, batchSize, batch, account, replies);
                            }
                        }
                        return Behaviors.same();
                    })
                    .onSignal(Terminated.class, t -> {
                        for (Shard s : shards.values()) {
                            if (s.ledger != null && s.ledger.equals(t.getRef())) {
                                ctx.getLog().warn("ledger of {} is gone; looking for its next incarnation", s.name);
                                s.ledger = null;
                            }
                        }
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    /**
     * Where the frontend shows what it has seen booked, under its XenStore home: {@code <shard>} → deposits.
     * The demo's printer in dom0 reads it there, whichever JVM the frontend runs in.
     */
    static final String BOOKED_NODE = "data/ledger/booked";

    private static void publishBooked(DomainContext domain) {
        String base = "/local/domain/" + domain.xen().handle().domid() + "/" + BOOKED_NODE + "/";
        DemoStats.booked().forEach((shard, n) -> domain.xen().store().write(base + shard, Long.toString(n)));
    }

    /** dom0's name index gives the shard's current domid; its mailboxes give the ledger. */
    private static boolean lookup(DomainContext domain, ActorContext<Cmd> ctx, Shard s) {
        Result<String> id = domain.xen().store().read("/lingon/domains/" + s.name);
        if (!id.isOk()) {
            return false;
        }
        Result<ActorRef<Ledger>> ledger = domain.mailboxes().orElseThrow().lookup(Integer.parseInt(id.orThrow().trim()), "ledger");
        if (!ledger.isOk()) {
            return false;
        }
        s.ledger = ledger.orThrow();
        ctx.watch(s.ledger);
        ctx.getLog().info("found the ledger of {} in dom{}", s.name, id.orThrow().trim());
        return true;
    }

    private static void fill(Shard s, int window, int batchSize, long[] batch, long[] account, ActorRef<Ledger> replies) {
        while (s.inFlight < window) {
            List<Ledger.Deposit> ds = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                ds.add(new Ledger.Deposit("acct-" + (account[0]++ % 1000), 100 + i));
            }
            s.ledger.tell(new Ledger.Deposits(batch[0]++, ds, replies));
            s.inFlight++;
        }
    }
}
