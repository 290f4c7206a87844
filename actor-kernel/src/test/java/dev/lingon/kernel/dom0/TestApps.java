package dev.lingon.kernel.dom0;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Applications the toolstack tests boot. */
final class TestApps {
    private TestApps() {
    }

    /** Workers started, by domain name: how tests reach into a domain. */
    static final Map<String, ActorRef<String>> WORKERS = new ConcurrentHashMap<>();

    /** A worker that throws on "crash"; its supervisor gives up at the first failure (intensity 0). */
    static Behavior<String> worker(DomainContext ctx) {
        return Behaviors.setup(a -> {
            WORKERS.put(ctx.name(), a.getSelf());
            return Behaviors.receiveMessage(m -> {
                if (m.equals("crash")) {
                    throw new IllegalStateException("crash requested");
                }
                return Behaviors.same();
            });
        });
    }

    @LingonImage(name = "fragile", services = {})
    public static final class Fragile implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext ctx) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE).intensity(0)
                    .child(ChildSpec.worker("worker", () -> worker(ctx))).build();
        }
    }

    /** An application whose only child fails to start: the domain cannot boot. */
    @LingonImage(name = "broken", services = {})
    public static final class Broken implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext ctx) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("doomed", () -> {
                        throw new IllegalStateException("cannot start");
                    })).build();
        }
    }

    /** Has no public no-argument constructor. */
    public static final class NoConstructor implements Application {
        NoConstructor(int x) {
        }

        @Override
        public SupervisorSpec supervisor(DomainContext ctx) {
            throw new UnsupportedOperationException("never booted");
        }
    }

}
