package dev.lingon.xen.mailbox;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.XenDomain;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.BootstrapSetup;
import org.apache.pekko.actor.setup.ActorSystemSetup;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A hypervisor with domains that each run an actor system with Xen mailboxes. */
final class TwoDomains implements AutoCloseable {
    final Hypervisor hv;
    private final List<BlockingEventBinder> binders = new ArrayList<>();
    private final List<ActorSystem<?>> systems = new ArrayList<>();

    TwoDomains(Backend backend) {
        hv = backend.start();
    }

    record Dom(XenDomain domain, ActorSystem<Object> system, XenMailboxes mailboxes) {
        int domid() {
            return domain.domid();
        }
    }

    Dom boot(String name) {
        return boot(name, MailboxSettings.DEFAULTS);
    }

    Dom boot(String name, MailboxSettings settings) {
        XenDomain d = hv.domain(hv.createDomain(DomainConfig.named(name).withVcpus(2)).orThrow()).orElseThrow();
        BlockingEventBinder binder = new BlockingEventBinder(d);
        binders.add(binder);
        Config config = ConfigFactory.parseString(XenMailboxesSetup.requiredConfig() + String.join("\n",
                        "pekko.loglevel = WARNING",
                        "pekko.loggers = [\"org.apache.pekko.event.slf4j.Slf4jLogger\"]",
                        "pekko.logging-filter = \"org.apache.pekko.event.slf4j.Slf4jLoggingFilter\"",
                        "pekko.actor.serialization-bindings {",
                        "  \"dev.lingon.xen.mailbox.CrossDomain\" = lingon-kryo",
                        "  \"dev.lingon.xen.mailbox.UnregisteredMarker\" = lingon-kryo",
                        "}",
                        "lingon.serialization.kryo.classes = [\"dev.lingon.xen.mailbox.CrossDomain\"]"))
                .withFallback(ConfigFactory.load()).resolve();
        ActorSystemSetup setup = ActorSystemSetup.create(BootstrapSetup.create(config),
                new XenMailboxesSetup(d, binder, settings, null));
        ActorSystem<Object> system = ActorSystem.create(Behaviors.empty(), name, setup);
        systems.add(system);
        return new Dom(d, system, XenMailboxes.get(system));
    }

    static <T> Behavior<T> ignore() {
        return Behaviors.ignore();
    }

    void terminate(Dom d) {
        d.system().terminate();
        d.system().getWhenTerminated().toCompletableFuture().orTimeout(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        for (ActorSystem<?> s : systems) {
            s.terminate();
        }
        for (ActorSystem<?> s : systems) {
            s.getWhenTerminated().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
        }
        for (BlockingEventBinder b : binders) {
            b.close();
        }
        hv.close();
    }
}
