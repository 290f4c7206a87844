package dev.lingon.scheduler.sim;

import dev.lingon.scheduler.api.KernelSetup;

import com.typesafe.config.Config;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.ProducesMessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

import java.util.ArrayDeque;

import scala.Option;

/**
 * The default mailbox of simulated actor systems: an unbounded FIFO that records every message
 * taken from it in the simulation's trace (domain, actor path, message class). Only the driver thread
 * touches it, so a plain deque suffices.
 */
public final class TracingMailboxType implements MailboxType, ProducesMessageQueue<TracingMailboxType.Queue> {
    private final SimKernel kernel;

    public TracingMailboxType(ActorSystem.Settings settings, Config config) {
        if (!(settings.setup().get(KernelSetup.class).map(KernelSetup::kernel).orElse(null) instanceof SimKernel k)) {
            throw new IllegalStateException("TracingMailboxType is for actor systems made by Simulation.actorSystem; '"
                    + settings.name() + "' is not one");
        }
        this.kernel = k;
    }

    @Override
    public MessageQueue create(Option<ActorRef> owner, Option<ActorSystem> system) {
        String path = Simulation.stablePath(owner.isDefined() ? owner.get().path().toStringWithoutAddress() : "?");
        return new Queue(kernel, path);
    }

    /** One actor's queue. */
    public static final class Queue implements MessageQueue, UnboundedMessageQueueSemantics {
        private final SimKernel kernel;
        private final String path;
        private final ArrayDeque<Envelope> q = new ArrayDeque<>();

        Queue(SimKernel kernel, String path) {
            this.kernel = kernel;
            this.path = path;
        }

        @Override
        public void enqueue(ActorRef receiver, Envelope handle) {
            q.addLast(handle);
        }

        @Override
        public Envelope dequeue() {
            Envelope e = q.pollFirst();
            if (e != null) {
                kernel.simulation().recordDelivery(kernel, path, e.message());
            }
            return e;
        }

        @Override
        public int numberOfMessages() {
            return q.size();
        }

        @Override
        public boolean hasMessages() {
            return !q.isEmpty();
        }

        @Override
        public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
            Envelope e;
            while ((e = q.pollFirst()) != null) {
                deadLetters.enqueue(owner, e);
            }
        }
    }
}
