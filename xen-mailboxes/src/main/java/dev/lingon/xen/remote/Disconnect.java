package dev.lingon.xen.remote;

/**
 * Why a domain's hypercall connection ended, as {@link HypercallServer} reports it. Whatever the
 * reason, dom0 should treat the domain as crashed: its process can no longer make hypercalls.
 */
public sealed interface Disconnect {

    /** What happened, for a log line. */
    String describe();

    /** The domain's process closed the connection, or exited (or was killed): the kernel closes its sockets. */
    record EndOfStream() implements Disconnect {
        @Override
        public String describe() {
            return "the domain's process closed the connection (it exited, or was killed)";
        }
    }

    /** The domain sent a frame that breaks the protocol; dom0 told it why and closed the connection. */
    record ProtocolViolation(String message) implements Disconnect {
        @Override
        public String describe() {
            return "protocol violation: " + message;
        }
    }

    /** Reading or writing the socket failed. */
    record IoFailure(String message) implements Disconnect {
        @Override
        public String describe() {
            return "socket failure: " + message;
        }
    }

    /** The domain did not read what dom0 sent it (watch events, state changes) and fell too far behind. */
    record Unresponsive(int backlog) implements Disconnect {
        @Override
        public String describe() {
            return "the domain's process stopped reading its socket: " + backlog + " frames were waiting";
        }
    }

    /** dom0 closed it: {@link HypercallServer#disconnect} or the server closing. */
    record ClosedByDom0() implements Disconnect {
        @Override
        public String describe() {
            return "dom0 closed the connection";
        }
    }
}
