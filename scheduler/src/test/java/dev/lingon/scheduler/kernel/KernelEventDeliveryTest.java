package dev.lingon.scheduler.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.EventPending;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Pending event-channel ports become EventPending messages for the actors bound to them. */
class KernelEventDeliveryTest {

    /** A domain whose actor records every EventPending it gets, and a peer domain connected to a port of it. */
    static final class Fixture implements AutoCloseable {
        final KernelTestSupport k;
        final XenDomain peer;
        final int localPort;
        final int peerPort;
        final List<EventPending> got = new CopyOnWriteArrayList<>();
        final ActorSystem<Object> system;
        final ActorRef<EventPending> receiver;

        Fixture(KernelConfig config) {
            k = new KernelTestSupport("events", config);
            peer = k.hv.domain(k.hv.createDomain(DomainConfig.named("peer")).orThrow()).orElseThrow();
            localPort = k.domain.evtchn().allocUnbound(peer.domid()).orThrow();
            peerPort = peer.evtchn().bindInterdomain(k.domain.domid(), localPort).orThrow();
            CompletableFuture<ActorRef<EventPending>> ref = new CompletableFuture<>();
            system = k.system(Behaviors.setup(ctx -> {
                ref.complete(ctx.spawn(Behaviors.<EventPending>receiveMessage(e -> {
                    got.add(e);
                    return Behaviors.same();
                }), "receiver"));
                return Behaviors.empty();
            }));
            receiver = ref.join();
        }

        @Override
        public void close() {
            KernelTestSupport.terminate(system);
            k.close();
        }
    }

    @Test
    void aRaisedPortReachesTheBoundActor() {
        try (Fixture f = new Fixture(KernelConfig.vcpus(2))) {
            f.k.kernel.bind(f.localPort, f.receiver);
            assertEquals(dev.lingon.xen.api.Errno.OK, f.peer.evtchn().send(f.peerPort));
            await().atMost(Duration.ofSeconds(10)).until(() -> f.got.contains(new EventPending(f.localPort)));
            assertTrue(f.k.kernel.metrics().eventsDelivered() >= 1);
        }
    }

    @Test
    void aPortRaisedBeforeItIsBoundIsDeliveredOnceBound() {
        try (Fixture f = new Fixture(KernelConfig.vcpus(1))) {
            // The kernel masks every port it has not bound: the raise waits, pending, for the binding.
            f.peer.evtchn().send(f.peerPort);
            assertTrue(f.k.domain.evtchn().isPending(f.localPort));
            f.k.kernel.bind(f.localPort, f.receiver);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.got.size() == 1);
            assertEquals(0, f.k.kernel.metrics().unboundEvents());
        }
    }

    @Test
    void eventsRaisedTwiceBeforeTheScanArriveOnce() throws Exception {
        try (Fixture f = new Fixture(KernelConfig.vcpus(1))) {
            f.k.kernel.bind(f.localPort, f.receiver);
            f.peer.evtchn().send(f.peerPort);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.got.size() == 1);
            // Hold the only vCPU inside a slice: nothing scans until it returns.
            CountDownLatch inSlice = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            f.k.kernel.executor(dev.lingon.scheduler.api.Lane.APP).execute(() -> {
                inSlice.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(inSlice.await(10, TimeUnit.SECONDS));
            f.peer.evtchn().send(f.peerPort);
            f.peer.evtchn().send(f.peerPort);
            f.peer.evtchn().send(f.peerPort);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> f.got.size() >= 2);
            // One more round trip through the kernel proves no second delivery was on its way.
            CountDownLatch after = new CountDownLatch(1);
            f.k.kernel.executor(dev.lingon.scheduler.api.Lane.APP).execute(after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertEquals(2, f.got.size(), "three raises during one slice merged into one event");
        }
    }

    @Test
    void anEventOnAnUnboundPortIsCountedNotDelivered() {
        try (Fixture f = new Fixture(KernelConfig.vcpus(1))) {
            // Unmasked but unbound: the kernel sees it and has nobody to give it to.
            f.k.domain.evtchn().unmask(f.localPort);
            f.peer.evtchn().send(f.peerPort);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.k.kernel.metrics().unboundEvents() >= 1);
            assertTrue(f.got.isEmpty());
        }
    }

    @Test
    void unbindingMasksThePortAgain() {
        try (Fixture f = new Fixture(KernelConfig.vcpus(1))) {
            f.k.kernel.bind(f.localPort, f.receiver);
            f.peer.evtchn().send(f.peerPort);
            await().atMost(Duration.ofSeconds(10)).until(() -> f.got.size() == 1);
            f.k.kernel.unbind(f.localPort);
            assertTrue(f.k.domain.evtchn().isMasked(f.localPort));
        }
    }

    @Test
    void theKernelsOwnPortsCannotBeBound() {
        try (Fixture f = new Fixture(KernelConfig.vcpus(1))) {
            // The kernel bound an IPI per vCPU before anything else: port 1.
            assertThrows(IllegalArgumentException.class, () -> f.k.kernel.bind(1, f.receiver));
            assertThrows(IllegalArgumentException.class, () -> f.k.kernel.bind(0, f.receiver));
        }
    }
}
