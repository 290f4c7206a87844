package dev.lingon.scheduler.mailbox;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Kernels;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.MailboxSettings;
import dev.lingon.xen.mailbox.XenMailboxes;
import dev.lingon.xen.mailbox.XenMailboxesSetup;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Xen mailboxes on the real kernel: the channel's port is bound through the kernel, so a pending
 * port wakes a vCPU that runs the channel actor — ring, doorbell and scheduler together.
 */
class MailboxesOnKernelsTest {

    static Behavior<Wire> ponger() {
        return Behaviors.receive(Wire.class)
                .onMessage(Wire.Ping.class, p -> {
                    p.replyTo().tell(new Wire.Pong(p.n()));
                    return Behaviors.same();
                })
                .build();
    }

    record Booted(XenDomain domain, DomainKernel kernel, ActorSystem<Wire> system) {
    }

    static Booted boot(Hypervisor hv, String name, Behavior<Wire> guardian) {
        XenDomain d = hv.domain(hv.createDomain(DomainConfig.named(name).withVcpus(1)).orThrow()).orElseThrow();
        DomainKernel k = Kernels.start(d, KernelConfig.vcpus(1));
        ActorSystem<Wire> s = Kernels.actorSystem(k, guardian, name,
                ConfigFactory.parseString(XenMailboxesSetup.requiredConfig() + Wire.CONFIG + "\npekko.loglevel = WARNING"),
                new XenMailboxesSetup(d, k, MailboxSettings.DEFAULTS, Kernels.KERNEL_DISPATCHER));
        return new Booted(d, k, s);
    }

    static void shutDown(List<Booted> booted) {
        for (Booted x : booted) {
            x.system().terminate();
        }
        for (Booted x : booted) {
            x.system().getWhenTerminated().toCompletableFuture().join();
            x.kernel().close();
        }
    }

    @Test
    void framesAnActorWritesInOneSliceArePublishedTogetherWhenTheSliceEnds() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            List<Booted> booted = new ArrayList<>();
            try {
                java.util.concurrent.ConcurrentLinkedQueue<Integer> arrived = new java.util.concurrent.ConcurrentLinkedQueue<>();
                Booted a = boot(hv, "kernel-a", Behaviors.receive(Wire.class)
                        .onMessage(Wire.Pong.class, p -> {
                            arrived.add(p.n());
                            return Behaviors.same();
                        }).build());
                booted.add(a);
                Booted b = boot(hv, "kernel-b", Behaviors.receive(Wire.class)
                        .onMessage(Wire.Burst.class, burst -> {
                            for (int i = 0; i < burst.count(); i++) {
                                burst.to().tell(new Wire.Pong(i));
                            }
                            return Behaviors.same();
                        }).build());
                booted.add(b);
                XenMailboxes.get(a.system()).register("sink", a.system()).orThrow();
                ActorRef<Wire> remote = XenMailboxes.get(b.system()).<Wire>lookup(a.domain().domid(), "sink").orThrow();
                java.util.concurrent.atomic.AtomicInteger publications = new java.util.concurrent.atomic.AtomicInteger();
                int sender = b.domain().domid();
                hv.setFaultInterceptor(new dev.lingon.xen.api.FaultInterceptor() {
                    @Override
                    public boolean onRingPublish(int writerDomid, int port, int bytes) {
                        if (writerDomid == sender) {
                            publications.incrementAndGet();
                        }
                        return true;
                    }
                });

                int n = 500;
                b.system().tell(new Wire.Burst(n, remote));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == n);
                assertEquals(java.util.stream.IntStream.range(0, n).boxed().toList(), List.copyOf(arrived));
                assertTrue(publications.get() <= 2, "one burst in one slice, published " + publications.get() + " times");

                // The same burst from a thread that is not a vCPU publishes every frame at once.
                arrived.clear();
                publications.set(0);
                for (int i = 0; i < n; i++) {
                    remote.tell(new Wire.Pong(i));
                }
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == n);
                assertEquals(n, publications.get());
            } finally {
                hv.setFaultInterceptor(null);
                shutDown(booted);
            }
        }
    }

    @Test
    void askAcrossTwoDomainsOnTheirOwnKernels() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            List<Booted> booted = new ArrayList<>();
            try {
                Booted a = boot(hv, "kernel-a", ponger());
                booted.add(a);
                Booted b = boot(hv, "kernel-b", Behaviors.empty());
                booted.add(b);
                XenMailboxes.get(a.system()).register("ponger", a.system()).orThrow();
                ActorRef<Wire> remote = XenMailboxes.get(b.system()).<Wire>lookup(a.domain().domid(), "ponger").orThrow();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    Wire reply = AskPattern.<Wire, Wire>ask(remote, r -> new Wire.Ping(n, r), Duration.ofSeconds(10), b.system().scheduler())
                            .toCompletableFuture().join();
                    assertEquals(new Wire.Pong(n), reply);
                }
                assertTrue(b.kernel().metrics().eventsDelivered() > 0, "replies arrived through the kernel's event delivery");
                assertTrue(a.kernel().metrics().eventsDelivered() > 0);
            } finally {
                shutDown(booted);
            }
        }
    }

    /**
     * Receive livelock: a ring that never empties must not shut the receiving domain's other actors
     * out. The channel serves its event ahead of them, but after a batch it continues behind the
     * actors already waiting: the sink runs after the first batch, and a bystander it wakes with the
     * flood's first message runs before the flood has all been delivered, not after.
     */
    @Test
    void aPeerThatKeepsTheRingFullCannotShutTheDomainsOtherActorsOut() {
        try (Hypervisor hv = Hypervisors.inProcess()) {
            List<Booted> booted = new ArrayList<>();
            try {
                java.util.concurrent.atomic.AtomicInteger sunk = new java.util.concurrent.atomic.AtomicInteger();
                java.util.concurrent.atomic.AtomicLong deliveredWhenBystanderRan = new java.util.concurrent.atomic.AtomicLong(-1);
                java.util.concurrent.atomic.AtomicReference<ActorRef<Wire>> bystander = new java.util.concurrent.atomic.AtomicReference<>();
                Booted a = boot(hv, "flooded", Behaviors.setup(ctx -> {
                    bystander.set(ctx.spawn(Behaviors.receive(Wire.class).onMessage(Wire.Ping.class, p -> {
                        deliveredWhenBystanderRan.set(XenMailboxes.get(ctx.getSystem()).stats().stream()
                                .mapToLong(dev.lingon.xen.mailbox.ChannelStats::received).sum());
                        return Behaviors.same();
                    }).build(), "bystander"));
                    return Behaviors.receive(Wire.class).onMessage(Wire.Pong.class, p -> {
                        sunk.incrementAndGet();
                        if (p.n() == 0) {
                            bystander.get().tell(new Wire.Ping(0, null));
                        }
                        return Behaviors.same();
                    }).build();
                }));
                booted.add(a);
                Booted b = boot(hv, "flooder", Behaviors.empty());
                booted.add(b);
                XenMailboxes.get(a.system()).register("sink", a.system()).orThrow();
                ActorRef<Wire> remote = XenMailboxes.get(b.system()).<Wire>lookup(a.domain().domid(), "sink").orThrow();
                remote.tell(new Wire.Pong(-1));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sunk.get() == 1 && bystander.get() != null);

                // Fill the ring while the receiver is paused (a Pong frame is about 13 bytes: 6,000
                // fit in the default ring), so the flood is all there when it runs again.
                hv.pause(a.domain().handle());
                int flood = 6_000;
                for (int i = 0; i < flood; i++) {
                    remote.tell(new Wire.Pong(i));
                }
                assertEquals(0, XenMailboxes.get(b.system()).stats().getFirst().pending(), "the whole flood is in the ring");
                hv.unpause(a.domain().handle());

                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                        .until(() -> sunk.get() == flood + 1 && deliveredWhenBystanderRan.get() >= 0);
                long delivered = deliveredWhenBystanderRan.get() - 1;
                assertTrue(delivered < flood / 4, "the bystander ran after " + delivered + " of the " + flood
                        + " flooding messages had been delivered; it should not wait for more than a batch or two");
            } finally {
                shutDown(booted);
            }
        }
    }
}
