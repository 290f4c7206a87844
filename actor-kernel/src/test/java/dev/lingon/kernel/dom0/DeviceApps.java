package dev.lingon.kernel.dom0;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** An application with every kernel service, that writes to its console and store and records how it stops. */
public final class DeviceApps implements Application {
    /** Events by domain name: "started a", "stopped b" … */
    static final Map<String, List<String>> EVENTS = new ConcurrentHashMap<>();

    static List<String> events(String domain) {
        return EVENTS.computeIfAbsent(domain, d -> new CopyOnWriteArrayList<>());
    }

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.builder("a").startBehavior(() -> child(ctx, "a")).shutdown(Shutdown.millis(2000)).build())
                .child(ChildSpec.builder("b").startBehavior(() -> child(ctx, "b")).shutdown(Shutdown.millis(2000)).build())
                .build();
    }

    static org.apache.pekko.actor.typed.Behavior<String> child(DomainContext ctx, String name) {
        return Behaviors.setup(a -> {
            events(ctx.name()).add("started " + name);
            ctx.console().orElseThrow().println("hello from " + name + " in " + ctx.name());
            ctx.store().orElseThrow().write("data/" + name, "up");
            return Behaviors.receive(String.class)
                    .onSignal(PostStop.class, s -> {
                        events(ctx.name()).add("stopped " + name);
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
