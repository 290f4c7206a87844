package dev.lingon.bench.cross;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The receiving domain of the cross-process variant: the benchmark's receiver actor, registered as
 * "receiver" in its Xen mailboxes, in a process domain of its own.
 */
@LingonImage(name = "bench-receiver", services = {KernelService.STORE, KernelService.VCHAN})
public final class ReceiverApp implements Application {

    @Override
    public SupervisorSpec supervisor(DomainContext domain) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("receiver", () -> Behaviors.<BenchMsg>setup(ctx -> {
                    domain.mailboxes().orElseThrow().register("receiver", ctx.getSelf()).orThrow();
                    return Actors.receiver();
                })))
                .build();
    }

    @Override
    public Config config() {
        return ConfigFactory.parseString(BenchMsg.KRYO_CONFIG + "\n" + Variant.QUIET);
    }
}
