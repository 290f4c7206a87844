package dev.lingon.bench.boot;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application the boot benchmark starts: its one actor sends itself a message as it starts and
 * completes the domain's future when that first message arrives — the moment the domain is doing
 * application work.
 */
public final class FirstMessageApp implements Application {
    static final Map<String, CompletableFuture<Long>> FIRST = new ConcurrentHashMap<>();

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("first", () -> Behaviors.<String>setup(a -> {
                    a.getSelf().tell("hello");
                    return Behaviors.receiveMessage(m -> {
                        CompletableFuture<Long> f = FIRST.get(ctx.name());
                        if (f != null) {
                            f.complete(System.nanoTime());
                        }
                        return Behaviors.same();
                    });
                })))
                .build();
    }
}
