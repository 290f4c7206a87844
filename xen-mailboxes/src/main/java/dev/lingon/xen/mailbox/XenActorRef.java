package dev.lingon.xen.mailbox;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorRefProvider;
import org.apache.pekko.actor.InternalActorRef;
import org.apache.pekko.actor.Nobody$;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;
import org.apache.pekko.dispatch.sysmsg.Unwatch;
import org.apache.pekko.dispatch.sysmsg.Watch;

import scala.collection.Iterator;

/**
 * A reference to an actor in another domain. Telling it serializes the message on the caller's thread
 * and writes the frame straight into the channel's ring (see {@link Channel#tell}); watching it
 * asks the other domain to report the actor's death. Typed code sees it through Pekko's adapter,
 * so tell, ask and watch work as with any {@code ActorRef}.
 *
 * <p>Thread-safe. Identity is the remote path with uid, as for every Pekko reference.
 */
final class XenActorRef extends InternalActorRef {
    private final ActorRefProvider provider;
    private final ActorPath path;
    /** The path as the owning domain knows it (its own address), for frames. */
    private final String remotePath;
    /** {@link #remotePath} as it goes on the wire, encoded once. */
    private final byte[] remotePathEncoded;
    private final Channel channel;
    private final long generation;
    private volatile boolean terminated;

    XenActorRef(ActorRefProvider provider, ActorPath path, String remotePath, Channel channel, long generation) {
        this.provider = provider;
        this.path = path;
        this.remotePath = remotePath;
        this.remotePathEncoded = WireFormat.encodeString(remotePath);
        this.channel = channel;
        this.generation = generation;
    }

    String remotePath() {
        return remotePath;
    }

    byte[] remotePathEncoded() {
        return remotePathEncoded;
    }

    long generation() {
        return generation;
    }

    Channel channel() {
        return channel;
    }

    void markTerminated() {
        terminated = true;
    }

    @Override
    public ActorPath path() {
        return path;
    }

    @Override
    public void $bang(Object message, ActorRef sender) {
        channel.tell(this, message, sender);
    }

    /** Whether its actor is known to have stopped (a watch reported it), or its channel has closed. */
    @Override
    public boolean isTerminated() {
        return terminated || channel.state() == Channel.State.CLOSED;
    }

    @Override
    public void sendSystemMessage(SystemMessage message) {
        if (message instanceof Watch w && w.watchee() == this) {
            channel.watch(this, w.watcher());
        } else if (message instanceof Unwatch u && u.watchee() == this) {
            channel.unwatch(this, (InternalActorRef) u.watcher());
        }
        // Other system messages (suspend, resume, terminate …) are for supervisors of local actors;
        // a remote actor is supervised in its own domain.
    }

    @Override
    public void start() {
    }

    @Override
    public void resume(Throwable causedByFailure) {
    }

    @Override
    public void suspend() {
    }

    @Override
    public void restart(Throwable cause) {
    }

    @Override
    public void stop() {
    }

    @Override
    public ActorRefProvider provider() {
        return provider;
    }

    @Override
    public InternalActorRef getParent() {
        return Nobody$.MODULE$;
    }

    @Override
    public InternalActorRef getChild(Iterator<String> name) {
        return name.hasNext() ? Nobody$.MODULE$ : this;
    }

    @Override
    public boolean isLocal() {
        return false;
    }
}
