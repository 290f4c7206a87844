package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;

import java.util.List;
import java.util.Objects;

/** What dom0 answers over the control socket (wire format in {@link Wire}). */
sealed interface Response {

    record Domains(List<DomainStatus> domains) implements Response {
        public Domains {
            domains = List.copyOf(domains);
        }
    }

    record Created(DomainStatus status) implements Response {
        public Created {
            Objects.requireNonNull(status, "status");
        }
    }

    /** The request was carried out; for a console, the kept lines have all been sent. */
    record Done() implements Response {
    }

    record Tops(List<DomainTop> rows) implements Response {
        public Tops {
            rows = List.copyOf(rows);
        }
    }

    record ConsoleLine(String line) implements Response {
        public ConsoleLine {
            Objects.requireNonNull(line, "line");
        }
    }

    /** The request failed; the client rethrows it as a {@link Dom0Exception} of the same kind and message. */
    record Failure(Dom0Exception.Kind kind, String message) implements Response {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }
}
