package dev.lingon.xen.internal;

import dev.lingon.xen.api.XenStore;

/**
 * What the hypervisor needs of xenstored: connections that speak for a domain, and the two domain
 * lifecycle notifications ({@code XS_INTRODUCE}, and the release xenstored performs when it learns
 * through {@code VIRQ_DOM_EXC} that a domain died).
 */
public interface XenstoreBackend {

    XenStore connect(int domid);

    /** Fires {@code @introduceDomain}. */
    void introduceDomain(int domid);

    /**
     * Removes every node the domain owns, strips it from other nodes' permissions, closes its
     * connections, and fires {@code @releaseDomain}.
     */
    void releaseDomain(int domid);
}
