package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainStatus;

import java.util.List;
import java.util.Optional;

/** Finding a domain the way the toolstack names them: by name, or by domid as a decimal string. Stateless. */
final class Domains {

    private Domains() {
    }

    static Optional<DomainStatus> find(List<DomainStatus> domains, String nameOrId) {
        for (DomainStatus d : domains) {
            if (d.name().equals(nameOrId) || Integer.toString(d.domid()).equals(nameOrId)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    static Optional<DomainStatus> byDomid(List<DomainStatus> domains, int domid) {
        return domains.stream().filter(d -> d.domid() == domid).findFirst();
    }

    static DomainStatus require(List<DomainStatus> domains, String nameOrId) {
        return find(domains, nameOrId).orElseThrow(() -> unknown(nameOrId));
    }

    static Dom0Exception unknown(String nameOrId) {
        return new Dom0Exception(Dom0Exception.Kind.UNKNOWN_DOMAIN, "unknown domain: " + nameOrId);
    }
}
