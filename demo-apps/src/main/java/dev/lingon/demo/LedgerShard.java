package dev.lingon.demo;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.ShutdownReason;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.HashMap;
import java.util.Map;

/**
 * A ledger shard: one domain keeping account balances. It registers its ledger actor as "ledger" in
 * its XenStore home, so the frontend (another domain) reaches it through Xen mailboxes.
 */
@LingonImage(name = "ledger-shard", services = {KernelService.CONSOLE, KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN})
public final class LedgerShard implements Application {

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder()
                .strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("ledger", () -> ledger(ctx)))
                .build();
    }

    @Override
    public Config config() {
        return ConfigFactory.parseString(Ledger.CONFIG);
    }

    static Behavior<Ledger> ledger(DomainContext domain) {
        return Behaviors.setup(ctx -> {
            domain.mailboxes().orElseThrow().register("ledger", ctx.getSelf()).orThrow();
            ctx.getLog().info("ledger of {} ready (dom{})", domain.name(), domain.domid());
            Map<String, Long> balances = new HashMap<>();
            long[] deposits = {0};
            long[] cents = {0};
            return Behaviors.receive(Ledger.class)
                    .onMessage(Ledger.Deposits.class, d -> {
                        for (Ledger.Deposit x : d.deposits()) {
                            balances.merge(x.account(), x.cents(), Long::sum);
                            cents[0] += x.cents();
                        }
                        deposits[0] += d.deposits().size();
                        d.replyTo().tell(new Ledger.Booked(d.batch(), d.deposits().size(), domain.name()));
                        return Behaviors.same();
                    })
                    .onMessage(Ledger.Totals.class, t -> {
                        t.replyTo().tell(new Ledger.TotalsAre(domain.name(), balances.size(), deposits[0], cents[0]));
                        return Behaviors.same();
                    })
                    .onMessage(Ledger.Panic.class, p -> {
                        ctx.getLog().error("kernel panic requested: {} crashes now", domain.name());
                        domain.xen().sched().shutdown(ShutdownReason.CRASH);
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
