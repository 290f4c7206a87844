package dev.lingon.xen.mailbox;

import org.apache.pekko.actor.ActorPath;
import org.apache.pekko.actor.ActorPaths;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.DynamicAccess;
import org.apache.pekko.actor.LocalActorRefProvider;
import org.apache.pekko.event.EventStream;

import scala.Option;

/**
 * The actor-ref provider of a Lingon domain: Pekko's local provider, plus an external address
 * ({@code lingon://<system>@dom<id>-g<generation>:<id>}) under which this domain's references are
 * serialized, and resolution of references to actors of other domains into {@link XenActorRef}s that
 * travel over the domains' mailbox channel. With it, references inside messages ({@code replyTo})
 * cross domains in both directions through any serializer that uses Pekko's {@code ActorRefResolver}.
 *
 * <pre>pekko.actor.provider = "dev.lingon.xen.mailbox.XenActorRefProvider"</pre>
 * The actor system must carry a {@link XenMailboxesSetup}. Thread-safe.
 */
public final class XenActorRefProvider extends LocalActorRefProvider {
    private final LingonAddress self;
    private final Address selfAddress;
    private volatile XenMailboxes mailboxes;
    private volatile org.apache.pekko.actor.ActorSystemImpl system;

    public XenActorRefProvider(String systemName, ActorSystem.Settings settings, EventStream eventStream, DynamicAccess dynamicAccess) {
        super(systemName, settings, eventStream, dynamicAccess);
        XenMailboxesSetup setup = settings.setup().get(XenMailboxesSetup.class).orElseThrow(() -> new IllegalStateException(
                "actor system '" + systemName + "' uses " + XenActorRefProvider.class.getName()
                        + " but was created without a XenMailboxesSetup naming its domain; add one to its ActorSystemSetup"));
        this.self = new LingonAddress(systemName, setup.domain().domid(), setup.domain().handle().generation());
        this.selfAddress = self.toAddress();
    }

    @Override
    public void init(org.apache.pekko.actor.ActorSystemImpl system) {
        this.system = system;
        super.init(system);
    }

    LingonAddress selfAddress() {
        return self;
    }

    void attach(XenMailboxes m) {
        this.mailboxes = m;
    }

    private XenMailboxes mailboxes() {
        XenMailboxes m = mailboxes;
        if (m == null) {
            m = XenMailboxes.get(system);
        }
        return m;
    }

    @Override
    public Address getDefaultAddress() {
        return selfAddress;
    }

    @Override
    public Option<Address> getExternalAddressFor(Address addr) {
        return LingonAddress.PROTOCOL.equals(addr.protocol()) ? Option.apply(selfAddress) : Option.empty();
    }

    @Override
    public ActorRef resolveActorRef(String path) {
        ActorPath p;
        try {
            p = ActorPaths.fromString(path);
        } catch (RuntimeException e) {
            return super.resolveActorRef(path);
        }
        return resolveActorRef(p);
    }

    @Override
    public ActorRef resolveActorRef(ActorPath path) {
        LingonAddress a = LingonAddress.of(path.address());
        if (a == null) {
            return super.resolveActorRef(path);
        }
        if (a.domid() == self.domid() && a.system().equals(self.system())) {
            if (a.generation() != self.generation()) {
                return mailboxes().staleSelfRef(path, a);
            }
            return resolveLocal(path);
        }
        return mailboxes().proxyFor(path, a);
    }

    /** A path of this domain with its external address, as an actor here: checked against the uid. */
    ActorRef resolveLocal(ActorPath path) {
        ActorPath local = rootPath();
        for (String e : path.getElements()) {
            local = local.child(e);
        }
        ActorRef ref = super.resolveActorRef(local);
        if (path.uid() != 0 && ref.path().uid() != path.uid()) {
            return deadLetters();
        }
        return ref;
    }
}
