package dev.lingon.scheduler.kernel;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Every dispatcher of a domain's actor system runs on the kernel's vCPU threads. */
class AllDispatchersRunOnVcpusTest {

    record WhereAreYou(ActorRef<String> replyTo) {
    }

    static Behavior<WhereAreYou> reporter() {
        return Behaviors.receiveMessage(m -> {
            m.replyTo().tell(Thread.currentThread().getName());
            return Behaviors.same();
        });
    }

    record Spawn(DispatcherSelector selector, ActorRef<ActorRef<WhereAreYou>> replyTo) {
    }


    @Test
    void defaultBlockingIoAndKernelDispatchersAllRunOnVcpus() {
        try (KernelTestSupport k = new KernelTestSupport("dispatchers", KernelConfig.vcpus(2))) {
            ActorSystem<Spawn> system = k.system(Behaviors.setup(ctx -> Behaviors.receiveMessage(m -> {
                m.replyTo().tell(ctx.spawnAnonymous(reporter(), m.selector()));
                return Behaviors.same();
            })));
            List<String> names = new ArrayList<>();
            for (DispatcherSelector sel : List.of(DispatcherSelector.defaultDispatcher(), DispatcherSelector.blocking(),
                    DispatcherSelector.fromConfig(Kernels.KERNEL_DISPATCHER), DispatcherSelector.fromConfig("pekko.actor.internal-dispatcher"))) {
                ActorRef<WhereAreYou> r = AskPattern.<Spawn, ActorRef<WhereAreYou>>ask(system, reply -> new Spawn(sel, reply),
                        Duration.ofSeconds(10), system.scheduler()).toCompletableFuture().join();
                names.add(AskPattern.<WhereAreYou, String>ask(r, WhereAreYou::new, Duration.ofSeconds(10), system.scheduler())
                        .toCompletableFuture().join());
            }
            for (String n : names) {
                assertTrue(n.startsWith("lingon-dispatchers-vcpu"), "ran on " + n + " (all: " + names + ")");
            }
            assertTrue(k.kernel.metrics().slices() > 0);
            KernelTestSupport.terminate(system);
        }
    }

    @Test
    void aSystemWithoutAKernelSetupIsRefusedWithTheReason() {
        var config = Kernels.dispatcherConfig("dev.lingon.scheduler.api.KernelExecutorConfigurator", 5, true)
                .withFallback(com.typesafe.config.ConfigFactory.load());
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        try {
            ActorSystem<Object> s = ActorSystem.create(Behaviors.empty(), "nokernel", config);
            KernelTestSupport.terminate(s);
            fail("created a system without a kernel");
        } catch (Throwable t) {
            failure.complete(t);
        }
        Throwable t = failure.join();
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(root.getMessage().contains("KernelSetup"), root.toString());
    }
}
