package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.EventBinder;
import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.Result;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.Executor;

/**
 * The device actor of one mailbox channel, on the kernel lane. It sets the vchan up, binds the
 * channel's event-channel port to itself, and on every {@link EventPending} reads the receive ring
 * (a batch at a time, yielding to other actors between batches) and flushes writes that waited for
 * ring space. It also watches local actors on the peer's behalf.
 *
 * <p>Yielding is Linux NAPI's answer to receive livelock: the event that starts a drain is served on
 * the kernel lane, ahead of application actors; a drain that used its whole batch and left frames
 * behind continues from the tail of the application lane, after the actors already waiting there,
 * among them the ones the batch delivered to ({@link EventBinder#deferBehindApplications}).
 * Continuing on the kernel lane instead let a peer that keeps the ring full hold a vCPU, so no
 * application actor of the domain ran until the peer paused.
 */
final class ChannelActor {
    sealed interface Msg {
    }

    record Irq(EventPending event) implements Msg {
    }

    enum Continue implements Msg { INSTANCE }

    record Close(String reason) implements Msg {
    }

    private ChannelActor() {
    }

    static Behavior<Msg> create(Channel channel) {
        return Behaviors.setup(ctx -> {
            channel.attach(ctx.getSelf());
            Result<Integer> port = channel.open();
            if (!port.isOk()) {
                channel.close("cannot " + (channel.role == Channel.Role.SERVER ? "offer" : "join") + " the vchan with dom"
                        + channel.peerDomid + ": " + port.errno() + " " + ((Result.Err<Integer>) port).detail());
                return Behaviors.stopped();
            }
            channel.mb.binder().bind(port.orThrow(), ctx.messageAdapter(EventPending.class, Irq::new));
            if (channel.role == Channel.Role.SERVER) {
                channel.mb.requestConnection(channel);
            }
            Channel.LocalWatcher watcher = new Channel.LocalWatcher() {
                @Override
                public void watch(org.apache.pekko.actor.ActorRef local) {
                    ctx.watch(Adapter.toTyped(local));
                }

                @Override
                public void unwatch(org.apache.pekko.actor.ActorRef local) {
                    ctx.unwatch(Adapter.toTyped(local));
                }
            };
            Executor applicationLane = ctx.getSystem().dispatchers().lookup(DispatcherSelector.defaultDispatcher());
            ActorRef<Msg> self = ctx.getSelf();
            Runnable resume = () -> self.tell(Continue.INSTANCE);
            EventBinder kernel = channel.mb.binder();
            return running(channel, watcher, () -> kernel.deferBehindApplications(resume, applicationLane));
        });
    }

    private static Behavior<Msg> running(Channel channel, Channel.LocalWatcher watcher, Runnable continueLater) {
        return Behaviors.receive(Msg.class)
                .onMessage(Irq.class, m -> service(channel, watcher, continueLater))
                .onMessage(Continue.class, m -> service(channel, watcher, continueLater))
                .onMessage(Close.class, m -> {
                    channel.close(m.reason());
                    return Behaviors.stopped();
                })
                .onSignal(Terminated.class, t -> {
                    channel.localTerminated(Adapter.toClassic(t.getRef()));
                    return Behaviors.same();
                })
                .build();
    }

    private static Behavior<Msg> service(Channel channel, Channel.LocalWatcher watcher, Runnable continueLater) {
        if (channel.state() == Channel.State.CLOSED) {
            return Behaviors.stopped();
        }
        boolean more = channel.service(watcher);
        if (channel.state() == Channel.State.CLOSED) {
            return Behaviors.stopped();
        }
        if (more) {
            continueLater.run();
        }
        return Behaviors.same();
    }
}
