package dev.lingon.kernel.api;

import java.util.List;
import java.util.function.Consumer;

/**
 * What dom0's toolstack offers, in {@code xl}'s terms: the surface the {@code lingon} CLI drives, in
 * the same JVM or through dom0's control socket. Domains are named by name or by domid (as a
 * decimal string). Failures throw {@link Dom0Exception} with a kind and a message meant for a user.
 */
public interface Dom0Api {

    /** Every domain, dom0 first, by domid. */
    List<DomainStatus> list();

    /** Creates and boots a domain from its config; answers its status once its root supervisor started. */
    DomainStatus create(DomainSpec spec);

    /** Asks the domain to power off through {@code control/shutdown}; its application stops in order. */
    void shutdown(String domain);

    /** Asks the domain to reboot through {@code control/shutdown}. */
    void reboot(String domain);

    /** Destroys the domain at once. */
    void destroy(String domain);

    void pause(String domain);

    void unpause(String domain);

    /**
     * The domain's console: the lines kept so far are passed to {@code lines} before this returns;
     * with {@code follow}, later lines are passed as they arrive until the returned handle is closed
     * (or the domain is destroyed, after which {@code lines} gets no more).
     */
    AutoCloseable console(String domain, boolean follow, Consumer<String> lines);

    /** Per-domain scheduler figures, for {@code lingon top}. */
    List<DomainTop> top();
}
