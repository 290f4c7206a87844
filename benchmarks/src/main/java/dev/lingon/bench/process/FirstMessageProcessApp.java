package dev.lingon.bench.process;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The application of the process-domain boot benchmark: its one actor sends itself a message as it
 * starts and, when that first message arrives, writes the moment ({@code System.nanoTime()}, which on
 * Linux is CLOCK_MONOTONIC and so comparable between processes of one machine) to
 * {@value #NODE} under its XenStore home, where dom0 reads it.
 */
public final class FirstMessageProcessApp implements Application {
    static final String NODE = "data/bench/first";

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("first", () -> Behaviors.<String>setup(a -> {
                    a.getSelf().tell("hello");
                    return Behaviors.receiveMessage(m -> {
                        long now = System.nanoTime();
                        ctx.xen().store().write("/local/domain/" + ctx.xen().handle().domid() + "/" + NODE, Long.toString(now));
                        return Behaviors.same();
                    });
                })))
                .build();
    }
}
