package dev.lingon.supervision.api.domain;

import dev.lingon.supervision.api.IntensityWindow;
import dev.lingon.supervision.api.MonotonicClock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The effectful edge of {@link DomainRestartPolicy} for one domain: keeps the domain's restart window across
 * its restarts, reads the clock, and writes a report (SLF4J logger {@code dev.lingon.supervision.domain},
 * ERROR with key-values {@code domain}, {@code reason}, {@code refused}, {@code restarts}) when the domain is
 * left crashed.
 *
 * <p>Owned by the toolstack thread that handles this domain's shutdowns; not thread-safe.
 */
public final class DomainRestartTracker {

    private static final Logger LOG = LoggerFactory.getLogger("dev.lingon.supervision.domain");

    private final String domain;
    private final DomainRestartPolicy policy;
    private final MonotonicClock clock;
    private IntensityWindow window;

    public DomainRestartTracker(String domain, DomainRestartPolicy policy, MonotonicClock clock) {
        this.domain = Objects.requireNonNull(domain, "domain");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = policy.newWindow();
    }

    /** Decides what to do with the domain, which just shut down for {@code reason}. */
    public DomainDecision onShutdown(DomainShutdownReason reason) {
        DomainDecision decision = policy.decide(reason, window, clock.seconds());
        window = decision.window();
        switch (decision) {
            case DomainDecision.LeaveCrashed left -> LOG.atError().addKeyValue("domain", domain)
                    .addKeyValue("reason", reason.xenName()).addKeyValue("refused", left.refused().xlName())
                    .addKeyValue("restarts", left.window().restarts().size())
                    .log("DOMAIN REPORT domain {} shut down ({}) {} times within {} s: not doing {}, leaving it crashed",
                            domain, reason.xenName(), left.window().restarts().size(), policy.period().getSeconds(),
                            left.refused().xlName());
            case DomainDecision.Apply apply -> LOG.atInfo().addKeyValue("domain", domain)
                    .addKeyValue("reason", reason.xenName()).addKeyValue("action", apply.action().xlName())
                    .log("domain {} shut down ({}): {}", domain, reason.xenName(), apply.action().xlName());
            case DomainDecision.Suspended suspended -> LOG.atInfo().addKeyValue("domain", domain)
                    .log("domain {} suspended", domain);
        }
        return decision;
    }

    public String domain() {
        return domain;
    }

    public IntensityWindow window() {
        return window;
    }
}
