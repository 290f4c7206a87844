package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.EventBinder;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Xen mailboxes of one domain's actor system: actors in other domains reached through vchan rings on
 * granted pages, with event channels as the doorbell — no extra thread, no TCP.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * XenMailboxes mb = XenMailboxes.get(system);
 * mb.register("echo", echoRef);                                   // in domain A
 * ActorRef<Echo> echo = mb.<Echo>lookup(domA, "echo").orThrow();  // in domain B
 * echo.tell(new Echo("hi", replyTo));                             // replyTo crosses back to B
 * }</pre>
 * The system needs {@link XenMailboxesSetup#requiredConfig()} and a {@link XenMailboxesSetup}.
 *
 * <h2>How domains meet (all through XenStore)</h2>
 * Each domain keeps under its home {@code data/lingon/}: {@code actors/<name>} (registered actors,
 * readable by every domain), {@code connect/} (writable, not readable, by others: where a peer asks
 * for a channel) and {@code vchan/<peer>} (the rings it offers). To open a channel to a peer, a domain
 * offers a vchan as server for that peer, then writes {@code connect/<self>} into the peer's home
 * (readable and writable by the peer only); the peer's watch fires and it joins as client. If both
 * ask at once, each ends up with two channels and sends on the one it opened; order per sender and
 * receiver holds because a sender always uses one channel per peer. A channel closes when the peer
 * closes it, its domain dies ({@code @releaseDomain}, or the ring's unmap notification), or a frame is
 * malformed; the next message to that domain opens a new one.
 *
 * <h2>References</h2>
 * This domain's actors are serialized as {@code lingon://<system>@dom<id>-g<generation>:<id>/…}
 * ({@link XenActorRefProvider}); a reference to another domain resolves to a {@link XenActorRef}. A
 * reference to an earlier generation of a domain is stale: messages to it go to dead letters with
 * that reason.
 *
 * <p>Thread-safe.
 */
public final class XenMailboxes implements Extension {
    private static final Logger log = LoggerFactory.getLogger(XenMailboxes.class);
    static final long UNKNOWN_GENERATION = -1;

    /** The extension id; also the entry for {@code pekko.extensions}. */
    public static final class Id extends AbstractExtensionId<XenMailboxes> implements ExtensionIdProvider {
        public Id() {
        }

        @Override
        public Id lookup() {
            return ID;
        }

        @Override
        public XenMailboxes createExtension(ExtendedActorSystem system) {
            return new XenMailboxes(system);
        }
    }

    private static final Id ID = new Id();

    public static XenMailboxes get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return ID.get(Adapter.toClassic(system));
    }

    static XenMailboxes get(org.apache.pekko.actor.ActorSystem system) {
        return ID.get(system);
    }

    private final ExtendedActorSystem system;
    private final XenMailboxesSetup setup;
    private final XenActorRefProvider provider;
    private final XenStore xs;
    private final String base;
    private final Map<Integer, Channel> sending = new LinkedHashMap<>();
    private final List<Channel> all = new ArrayList<>();
    private final Set<Class<?>> reportedUnserializable = new LinkedHashSet<>();
    private final org.apache.pekko.actor.typed.ActorRef<Connector.Msg> connector;
    private volatile Serialization serialization;
    private final Serialization.Information transportInformation;
    private int serial;

    private XenMailboxes(ExtendedActorSystem system) {
        this.system = system;
        this.setup = system.settings().setup().get(XenMailboxesSetup.class).orElseThrow(() -> new IllegalStateException(
                "actor system '" + system.name() + "' has no XenMailboxesSetup; Xen mailboxes need to know the domain they run in"));
        if (!(system.provider() instanceof XenActorRefProvider p)) {
            throw new IllegalStateException("actor system '" + system.name() + "' must use pekko.actor.provider = \""
                    + XenActorRefProvider.class.getName() + "\" for Xen mailboxes (see XenMailboxesSetup.requiredConfig())");
        }
        this.provider = p;
        provider.attach(this);
        this.transportInformation = new Serialization.Information(provider.getDefaultAddress(), system);
        int me = setup.domain().domid();
        this.base = "/local/domain/" + me + "/data/lingon";
        this.xs = setup.domain().openStore();
        makeDir(base, List.of(XsPermission.read(me)));
        makeDir(base + "/actors", List.of(XsPermission.read(me)));
        makeDir(base + "/connect", List.of(XsPermission.write(me)));
        makeDir(base + "/vchan", List.of(XsPermission.none(me)));
        org.apache.pekko.actor.typed.ActorSystem<?> typed = Adapter.toTyped(system);
        this.connector = typed.systemActorOf(Connector.create(this), "xen-mailboxes", dispatcherProps());
        xs.onWatchEvent(e -> connector.tell(new Connector.Fired(e)));
        xs.watch(base + "/connect", "connect").orThrow();
        xs.watch("@releaseDomain", "release").orThrow();
        system.registerOnTermination(this::closeAll);
        log.debug("Xen mailboxes of dom{} ({}) ready", me, system.name());
    }

    private Props dispatcherProps() {
        return setup.kernelDispatcher() == null ? Props.empty() : DispatcherSelector.fromConfig(setup.kernelDispatcher());
    }

    private void makeDir(String path, List<XsPermission> perms) {
        xs.mkdir(path).orThrow();
        xs.setPermissions(path, perms).orThrow();
    }

    // ================================================================ public API

    /** This domain's id. */
    public int domid() {
        return setup.domain().domid();
    }

    /**
     * Publishes a local actor under {@code name} in this domain's XenStore home, readable by every
     * domain. Re-registering a name replaces it.
     */
    public Result<Void> register(String name, org.apache.pekko.actor.typed.ActorRef<?> ref) {
        checkName(name);
        ActorRef classic = Adapter.toClassic(ref);
        if (classic instanceof XenActorRef) {
            throw new IllegalArgumentException(ref + " is an actor of another domain; register it there");
        }
        String token = withTransportInformation(() -> Serialization.serializedActorPath(classic));
        return xs.write(base + "/actors/" + name, token);
    }

    public Result<Void> unregister(String name) {
        checkName(name);
        return xs.rm(base + "/actors/" + name);
    }

    /**
     * The actor {@code domid} registered under {@code name}, usable with tell, ask and watch. ENOENT
     * when nothing is registered under that name (or the domain runs no Xen mailboxes), EACCES when
     * the domain does not exist or does not let this one look.
     */
    @SuppressWarnings("unchecked")
    public <T> Result<org.apache.pekko.actor.typed.ActorRef<T>> lookup(int domid, String name) {
        checkName(name);
        if (!DomId.isReal(domid)) {
            throw new IllegalArgumentException("domid " + domid + " is not a real domain id");
        }
        Result<String> token = xs.read("/local/domain/" + domid + "/data/lingon/actors/" + name);
        if (!token.isOk()) {
            return Result.err(token.errno(), "no actor '" + name + "' registered by dom" + domid);
        }
        ActorRef ref = provider.resolveActorRef(token.orThrow());
        return Result.ok((org.apache.pekko.actor.typed.ActorRef<T>) Adapter.toTyped(ref));
    }

    /** Counters of every channel this domain has (open or closed since last asked about), by peer. */
    public List<ChannelStats> stats() {
        synchronized (this) {
            List<ChannelStats> out = new ArrayList<>();
            for (Channel c : all) {
                out.add(c.stats());
            }
            return out;
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("actor names in XenStore use letters, digits, '_', '.' and '-': got '" + name + "'");
        }
    }

    // ================================================================ for the provider and channels

    ActorRef proxyFor(ActorPath path, LingonAddress a) {
        Channel c = channelTo(a.domid(), a.generation());
        return c.proxy(path, path.toSerializationFormat());
    }

    ActorRef staleSelfRef(ActorPath path, LingonAddress a) {
        log.debug("reference {} names generation {} of this domain, which is now generation {}", path, a.generation(), provider.selfAddress().generation());
        return system.deadLetters();
    }

    /** The channel messages to {@code domid} go through, opening one if there is none. */
    private synchronized Channel channelTo(int domid, long generation) {
        Channel c = sending.get(domid);
        if (c != null && c.state() != Channel.State.CLOSED) {
            if (c.peerGeneration == generation || generation < c.peerGeneration) {
                return c;
            }
            tellClose(c, "dom" + domid + " restarted as generation " + generation);
        }
        c = new Channel(this, domid, Channel.Role.SERVER, generation, ++serial);
        sending.put(domid, c);
        all.add(c);
        spawn(c);
        return c;
    }

    /** A peer asked for a channel: join its vchan as client. */
    synchronized void acceptFrom(int peer, long generation) {
        Channel c = new Channel(this, peer, Channel.Role.CLIENT, generation, ++serial);
        all.add(c);
        Channel current = sending.get(peer);
        if (current == null || current.state() == Channel.State.CLOSED || current.peerGeneration < generation) {
            if (current != null && current.state() != Channel.State.CLOSED) {
                tellClose(current, "dom" + peer + " restarted as generation " + generation);
            }
            sending.put(peer, c);
        }
        spawn(c);
    }

    private void spawn(Channel c) {
        Adapter.toTyped(system).systemActorOf(ChannelActor.create(c), "xen-channel-dom" + c.peerDomid + "-" + c.serial, dispatcherProps());
    }

    private void tellClose(Channel c, String reason) {
        var a = c.actor();
        if (a != null) {
            a.tell(new ChannelActor.Close(reason));
        } else {
            c.close(reason);
        }
    }

    /**
     * Server side: ask the peer to join, by writing connect/<self> = our generation into its home,
     * readable and writable by the peer only. Value and permissions are committed together, so the
     * peer never sees a request it cannot read.
     */
    void requestConnection(Channel c) {
        int me = domid();
        String node = "/local/domain/" + c.peerDomid + "/data/lingon/connect/" + me;
        Result<Void> w;
        while (true) {
            Result<Integer> tx = xs.transactionStart();
            if (!tx.isOk()) {
                w = Result.err(tx.errno());
                break;
            }
            int t = tx.orThrow();
            w = xs.write(t, node, Long.toString(setup.domain().handle().generation()));
            if (w.isOk()) {
                w = xs.setPermissions(t, node, List.of(XsPermission.none(me), XsPermission.both(c.peerDomid)));
            }
            if (!w.isOk()) {
                xs.transactionEnd(t, false);
                break;
            }
            w = xs.transactionEnd(t, true);
            if (w.errno() != dev.lingon.xen.api.Errno.EAGAIN) {
                break;
            }
        }
        if (!w.isOk()) {
            c.close("cannot ask dom" + c.peerDomid + " for a channel (" + w.errno()
                    + "): it does not exist or runs no Xen mailboxes (no " + "/local/domain/" + c.peerDomid + "/data/lingon/connect)");
        }
    }

    /** Connection requests waiting in our connect/ directory. */
    void serviceConnectRequests() {
        Result<List<String>> dir = xs.directory(base + "/connect");
        if (!dir.isOk()) {
            return;
        }
        for (String child : dir.orThrow()) {
            String node = base + "/connect/" + child;
            Result<String> gen = xs.read(node);
            if (!gen.isOk()) {
                log.debug("dom{}: connection request {} not readable yet ({})", domid(), child, gen.errno());
                continue;
            }
            xs.rm(node);
            int peer;
            long generation;
            try {
                peer = Integer.parseInt(child);
                generation = gen.isOk() ? Long.parseLong(gen.orThrow().trim()) : UNKNOWN_GENERATION;
            } catch (NumberFormatException e) {
                log.warn("dom{}: ignoring malformed connection request '{}' ({})", domid(), child, gen);
                continue;
            }
            acceptFrom(peer, generation);
        }
    }

    /** A domain died somewhere: close the channels whose peer has no home any more. */
    void checkPeersAlive() {
        List<Channel> open;
        synchronized (this) {
            open = new ArrayList<>();
            for (Channel c : all) {
                if (c.state() != Channel.State.CLOSED) {
                    open.add(c);
                }
            }
        }
        for (Channel c : open) {
            if (!xs.read("/local/domain/" + c.peerDomid + "/data/lingon").isOk()) {
                tellClose(c, "dom" + c.peerDomid + " was destroyed");
            }
        }
    }

    /** Every channel, for tests that inject faults. */
    synchronized List<Channel> channelsForTest() {
        return new ArrayList<>(all);
    }

    /** The actor system is terminating: close every channel, so peers see this domain go. */
    private void closeAll() {
        List<Channel> cs;
        synchronized (this) {
            cs = new ArrayList<>(all);
        }
        for (Channel c : cs) {
            c.close("the actor system of dom" + domid() + " terminated");
        }
        xs.close();
    }

    synchronized void channelClosed(Channel c) {
        if (sending.get(c.peerDomid) == c) {
            sending.remove(c.peerDomid);
        }
    }

    XenDomain domain() {
        return setup.domain();
    }

    EventBinder binder() {
        return setup.binder();
    }

    MailboxSettings settings() {
        return setup.settings();
    }

    XenActorRefProvider provider() {
        return provider;
    }

    String systemName() {
        return system.name();
    }

    ActorRef deadLetters() {
        return system.deadLetters();
    }

    Serialization serialization() {
        Serialization s = serialization;
        if (s == null) {
            s = SerializationExtension.get(system);
            serialization = s;
        }
        return s;
    }

    Serialization.Information transportInformation() {
        return transportInformation;
    }

    private <T> T withTransportInformation(java.util.function.Supplier<T> f) {
        var dv = org.apache.pekko.serialization.Serialization$.MODULE$.currentTransportInformation();
        Serialization.Information previous = dv.value();
        dv.value_$eq(transportInformation);
        try {
            return f.get();
        } finally {
            dv.value_$eq(previous);
        }
    }

    void publishDropped(Dropped d) {
        system.eventStream().publish(d);
    }

    void reportSerializationFailure(Class<?> type, RuntimeException e) {
        boolean first;
        synchronized (reportedUnserializable) {
            first = reportedUnserializable.add(type);
        }
        if (first) {
            log.error("dom{}: a {} cannot cross to another domain and was dropped: {}", domid(), type.getName(), e.getMessage());
        }
    }

    /** The mailboxes' own actor: XenStore watch events, turned into actions on the kernel lane. */
    static final class Connector {
        sealed interface Msg {
        }

        record Fired(WatchEvent event) implements Msg {
        }

        private Connector() {
        }

        static org.apache.pekko.actor.typed.Behavior<Msg> create(XenMailboxes mb) {
            return Behaviors.receive(Msg.class)
                    .onMessage(Fired.class, f -> {
                        switch (f.event().token()) {
                            case "connect" -> mb.serviceConnectRequests();
                            case "release" -> mb.checkPeersAlive();
                            default -> log.debug("unexpected watch token {}", f.event());
                        }
                        return Behaviors.same();
                    })
                    .build();
        }
    }
}
