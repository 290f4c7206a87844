package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.Result;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The device actor of one mailbox channel, on the kernel lane. It sets the vchan up, binds the
 * channel's event-channel port to itself, and on every {@link EventPending} reads the receive ring
 * (a batch at a time, yielding to other actors between batches) and flushes writes that waited for
 * ring space. It also watches local actors on the peer's behalf.
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
            return running(channel, watcher, ctx.getSelf());
        });
    }

    private static Behavior<Msg> running(Channel channel, Channel.LocalWatcher watcher, org.apache.pekko.actor.typed.ActorRef<Msg> self) {
        return Behaviors.receive(Msg.class)
                .onMessage(Irq.class, m -> service(channel, watcher, self))
                .onMessage(Continue.class, m -> service(channel, watcher, self))
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

    private static Behavior<Msg> service(Channel channel, Channel.LocalWatcher watcher, org.apache.pekko.actor.typed.ActorRef<Msg> self) {
        if (channel.state() == Channel.State.CLOSED) {
            return Behaviors.stopped();
        }
        boolean more = channel.service(watcher);
        if (channel.state() == Channel.State.CLOSED) {
            return Behaviors.stopped();
        }
        if (more) {
            self.tell(Continue.INSTANCE);
        }
        return Behaviors.same();
    }
}
