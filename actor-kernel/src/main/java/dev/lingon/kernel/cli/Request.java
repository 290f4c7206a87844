package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.DomainSpec;

import java.util.Objects;

/** What a client asks dom0 over the control socket: one request per connection (wire format in {@link Wire}). */
sealed interface Request {

    /** {@code Dom0Api.list()}; answered by {@link Response.Domains}. */
    record ListDomains() implements Request {
    }

    /** {@code Dom0Api.create(spec)}; answered by {@link Response.Created}. */
    record Create(DomainSpec spec) implements Request {
        public Create {
            Objects.requireNonNull(spec, "spec");
        }
    }

    /** One of the lifecycle operations on a domain; answered by {@link Response.Done}. */
    record Lifecycle(Op op, String domain) implements Request {
        public Lifecycle {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(domain, "domain");
        }
    }

    /**
     * {@code Dom0Api.console(domain, follow, …)}: answered by a {@link Response.ConsoleLine} per kept line,
     * then {@link Response.Done}; with {@code follow}, further lines until the client closes the connection.
     */
    record Console(String domain, boolean follow) implements Request {
        public Console {
            Objects.requireNonNull(domain, "domain");
        }
    }

    /** {@code Dom0Api.top()}; answered by {@link Response.Tops}. */
    record Top() implements Request {
    }

    /** The lifecycle operations, named as on the command line. */
    enum Op {
        SHUTDOWN, REBOOT, DESTROY, PAUSE, UNPAUSE
    }
}
