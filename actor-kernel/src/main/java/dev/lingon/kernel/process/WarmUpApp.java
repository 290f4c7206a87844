package dev.lingon.kernel.process;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The throwaway domain a spare domain process boots to warm up: the kernel services a domain usually
 * has and one actor that sends itself a message, completing {@link #FIRST} when it arrives.
 */
@LingonImage(name = "lingon-warm-up", services = {KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN})
public final class WarmUpApp implements Application {
    static final AtomicReference<CompletableFuture<Long>> FIRST = new AtomicReference<>(new CompletableFuture<>());

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("first", () -> Behaviors.<String>setup(a -> {
                    a.getSelf().tell("hello");
                    return Behaviors.receiveMessage(m -> {
                        FIRST.get().complete(System.nanoTime());
                        return Behaviors.same();
                    });
                })))
                .build();
    }
}
