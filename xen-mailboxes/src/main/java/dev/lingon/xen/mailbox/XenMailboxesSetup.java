package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.EventBinder;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.setup.Setup;

import java.util.Objects;

/**
 * What a domain's actor system needs to talk to other domains through Xen mailboxes: the domain it
 * runs in (its hypercalls and XenStore connection), the kernel that turns pending ports into
 * messages, and the channel settings. Goes into the system's {@code ActorSystemSetup}.
 */
public final class XenMailboxesSetup extends Setup {
    private final XenDomain domain;
    private final EventBinder binder;
    private final MailboxSettings settings;
    private final String kernelDispatcher;

    /**
     * @param kernelDispatcher the dispatcher the channel actors run on (the kernel lane), e.g.
     *                         {@code "lingon.kernel-dispatcher"}; {@code null} for the default dispatcher
     */
    public XenMailboxesSetup(XenDomain domain, EventBinder binder, MailboxSettings settings, String kernelDispatcher) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.binder = Objects.requireNonNull(binder, "binder");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kernelDispatcher = kernelDispatcher;
    }

    public XenDomain domain() {
        return domain;
    }

    public EventBinder binder() {
        return binder;
    }

    public MailboxSettings settings() {
        return settings;
    }

    public String kernelDispatcher() {
        return kernelDispatcher;
    }

    /** The Pekko config lines a system needs for Xen mailboxes: the provider and the extension that starts them. */
    public static String requiredConfig() {
        return "pekko.actor.provider = \"" + XenActorRefProvider.class.getName() + "\"\n"
                + "pekko.extensions += \"" + XenMailboxes.Id.class.getName() + "\"\n";
    }
}
