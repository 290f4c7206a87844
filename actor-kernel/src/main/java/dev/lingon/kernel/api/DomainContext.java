package dev.lingon.kernel.api;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.XenMailboxes;

import org.apache.pekko.actor.typed.ActorSystem;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A booted domain as its application and kernel services see it. Thread-safe.
 */
public interface DomainContext {

    String name();

    DomainHandle handle();

    default int domid() {
        return handle().domid();
    }

    /** The domain's hypercalls. */
    XenDomain xen();

    ActorSystem<?> system();

    /** The kernel scheduler: binds event-channel ports to actors, counts what it does. */
    DomainKernel kernel();

    ImageManifest image();

    /** The extra key/values of the domain config. */
    Map<String, String> extra();

    /** The XenStore client, when the image has {@link KernelService#STORE}. */
    Optional<StoreClient> store();

    /** The console, when the image has {@link KernelService#CONSOLE}. */
    Optional<Console> console();

    /** Xen mailboxes, when the image has {@link KernelService#VCHAN}. */
    Optional<XenMailboxes> mailboxes();

    /**
     * Stops the application's supervision tree (children in reverse start order, with their shutdown
     * timeouts), leaving the kernel services running. Completes when it has stopped.
     */
    CompletionStage<Void> stopApplication();
}
