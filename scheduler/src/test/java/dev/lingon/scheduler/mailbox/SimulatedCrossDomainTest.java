package dev.lingon.scheduler.mailbox;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.sim.Simulation;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.MailboxSettings;
import dev.lingon.xen.mailbox.XenMailboxes;
import dev.lingon.xen.mailbox.XenMailboxesSetup;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Cross-domain messaging in the deterministic simulation: two domains exchange pings through Xen
 * mailboxes (XenStore rendezvous, vchan rings, event channels) on one thread, and a seed replays the
 * whole exchange exactly.
 */
class SimulatedCrossDomainTest {

    record Outcome(String hash, List<Integer> pongs) {
    }

    static Outcome run(long seed) {
        List<Outcome> out = new ArrayList<>();
        Simulation.check(seed, sim -> {
            XenDomain a = sim.domain("sim-a");
            XenDomain b = sim.domain("sim-b");
            var config = ConfigFactory.parseString(XenMailboxesSetup.requiredConfig() + Wire.CONFIG);
            ActorSystem<Wire> sa = sim.actorSystem(a, MailboxesOnKernelsTest.ponger(), config,
                    new XenMailboxesSetup(a, sim.kernel(a), MailboxSettings.DEFAULTS, null));
            List<Integer> pongs = new ArrayList<>();
            ActorSystem<Wire> sb = sim.actorSystem(b, Behaviors.receive(Wire.class)
                    .onMessage(Wire.Pong.class, p -> {
                        pongs.add(p.n());
                        return Behaviors.same();
                    }).build(), config, new XenMailboxesSetup(b, sim.kernel(b), MailboxSettings.DEFAULTS, null));
            XenMailboxes.get(sa).register("ponger", sa).orThrow();
            sim.runUntilIdle();
            ActorRef<Wire> remote = XenMailboxes.get(sb).<Wire>lookup(a.domid(), "ponger").orThrow();
            for (int i = 0; i < 50; i++) {
                remote.tell(new Wire.Ping(i, sb));
            }
            assertTrue(sim.runUntil(() -> pongs.size() == 50, java.time.Duration.ofSeconds(30)), "pongs: " + pongs.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(i, pongs.get(i), "FIFO across domains");
            }
            out.add(new Outcome(sim.traceHash(), List.copyOf(pongs)));
        });
        return out.getFirst();
    }

    @Test
    void crossDomainMessagingReplaysFromItsSeed() {
        Outcome first = run(99L);
        assertEquals(first, run(99L));
    }
}
