package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A running dom0 seen through its control socket: {@link Dom0Api} over the protocol of {@link Wire},
 * one connection per call, so the CLI's commands are written once against {@code Dom0Api}. Failures
 * come back as the {@link Dom0Exception} dom0 threw; a dom0 that is not there is
 * {@link Dom0Exception.Kind#DOM0_NOT_RUNNING}, with a message saying how to start one.
 *
 * <p>Stateless and thread-safe. A followed console reads on a virtual thread of its own and calls the
 * consumer there, until the handle is closed or dom0 ends the stream.
 */
public final class Dom0Client implements Dom0Api {

    private static final Logger log = LoggerFactory.getLogger(Dom0Client.class);

    private final Path socket;

    public Dom0Client(Path socket) {
        this.socket = Objects.requireNonNull(socket, "socket");
    }

    public Path socket() {
        return socket;
    }

    @Override
    public List<DomainStatus> list() {
        return call(new Request.ListDomains(), Response.Domains.class).domains();
    }

    @Override
    public DomainStatus create(DomainSpec spec) {
        return call(new Request.Create(spec), Response.Created.class).status();
    }

    @Override
    public void shutdown(String domain) {
        call(new Request.Lifecycle(Request.Op.SHUTDOWN, domain), Response.Done.class);
    }

    @Override
    public void reboot(String domain) {
        call(new Request.Lifecycle(Request.Op.REBOOT, domain), Response.Done.class);
    }

    @Override
    public void destroy(String domain) {
        call(new Request.Lifecycle(Request.Op.DESTROY, domain), Response.Done.class);
    }

    @Override
    public void pause(String domain) {
        call(new Request.Lifecycle(Request.Op.PAUSE, domain), Response.Done.class);
    }

    @Override
    public void unpause(String domain) {
        call(new Request.Lifecycle(Request.Op.UNPAUSE, domain), Response.Done.class);
    }

    @Override
    public List<DomainTop> top() {
        return call(new Request.Top(), Response.Tops.class).rows();
    }

    /**
     * The kept lines are passed to {@code lines} before this returns; with {@code follow}, later lines are
     * passed on a reader thread until the handle is closed or the stream ends (dom0 stopped). The handle is
     * a {@link ConsoleFollow}, which can also wait for the end.
     */
    @Override
    public ConsoleFollow console(String domain, boolean follow, Consumer<String> lines) {
        Objects.requireNonNull(lines, "lines");
        SocketChannel ch = connect();
        try {
            send(ch, new Request.Console(domain, follow));
            while (true) {
                switch (receive(ch)) {
                    case Response.ConsoleLine l -> lines.accept(l.line());
                    case Response.Done d -> {
                        if (!follow) {
                            closeQuietly(ch);
                            return ConsoleFollow.ended();
                        }
                        return ConsoleFollow.start(ch, lines);
                    }
                    case Response.Failure f -> throw new Dom0Exception(f.kind(), f.message());
                    case Response other -> throw unexpected(other, Response.ConsoleLine.class);
                }
            }
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /**
     * A followed console: lines go to the consumer on a reader thread until {@link #close()} or the end of
     * the stream. After {@code close()} returns the consumer gets no more lines. Thread-safe.
     */
    public static final class ConsoleFollow implements AutoCloseable {
        private final SocketChannel ch;
        private final CountDownLatch ended = new CountDownLatch(1);
        private final Thread reader;
        private volatile boolean closed;

        private ConsoleFollow(SocketChannel ch, Consumer<String> lines) {
            this.ch = ch;
            this.reader = ch == null ? null : Thread.ofVirtual().name("lingon-console-follow").unstarted(() -> read(lines));
            if (ch == null) {
                ended.countDown();
            }
        }

        static ConsoleFollow ended() {
            return new ConsoleFollow(null, line -> { });
        }

        static ConsoleFollow start(SocketChannel ch, Consumer<String> lines) {
            ConsoleFollow f = new ConsoleFollow(ch, lines);
            f.reader.start();
            return f;
        }

        private void read(Consumer<String> lines) {
            try {
                for (Optional<ByteBuffer> frame = Wire.readFrame(ch); frame.isPresent() && !closed; frame = Wire.readFrame(ch)) {
                    if (Wire.decodeResponse(frame.get()) instanceof Response.ConsoleLine(String line) && !closed) {
                        lines.accept(line);
                    }
                }
            } catch (IOException e) {
                if (!closed) {
                    log.debug("The console stream from dom0 ended: {}", e.toString());
                }
            } finally {
                closeQuietly(ch);
                ended.countDown();
            }
        }

        /** Whether the stream has ended (dom0 closed it, or this handle was closed). */
        public boolean hasEnded() {
            return ended.getCount() == 0;
        }

        /** Waits up to {@code timeout} for the stream to end; answers whether it has. */
        public boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
            return ended.await(timeout, unit);
        }

        @Override
        public void close() {
            closed = true;
            if (ch == null) {
                return;
            }
            closeQuietly(ch);
            if (Thread.currentThread() != reader) {
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    private <R extends Response> R call(Request request, Class<R> expected) {
        try (SocketChannel ch = connect()) {
            send(ch, request);
            Response r = receive(ch);
            if (r instanceof Response.Failure f) {
                throw new Dom0Exception(f.kind(), f.message());
            }
            if (!expected.isInstance(r)) {
                throw unexpected(r, expected);
            }
            return expected.cast(r);
        } catch (IOException e) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "lost the connection to dom0 at " + socket + ": " + e, e);
        }
    }

    private SocketChannel connect() {
        ControlSocket.checkLength(socket);
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            // ECONNREFUSED on a Unix socket: the file is there but no one listens (or it is no socket).
            throw notRunning(isSocket() ? "the control socket at " + socket + " is stale (left by a dom0 that stopped)"
                    : "no control socket at " + socket + " (a file that is not a socket is there)", e);
        } catch (NoSuchFileException e) {
            throw notRunning("no control socket at " + socket, e);
        } catch (IOException e) {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw notRunning("no control socket at " + socket, e);
            }
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "cannot reach dom0 at " + socket + ": " + e, e);
        }
    }

    private boolean isSocket() {
        try {
            return ControlSocket.isSocket(socket);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static Dom0Exception notRunning(String why, Exception cause) {
        return new Dom0Exception(Dom0Exception.Kind.DOM0_NOT_RUNNING,
                "dom0 is not running: " + why + "; start it with `lingon run <config...>`", cause);
    }

    private void send(SocketChannel ch, Request request) {
        try {
            Wire.writeFrame(ch, Wire.encode(request));
        } catch (IOException e) {
            // dom0 reads every request it accepted; a connection it dropped first means it is stopping.
            throw new Dom0Exception(Dom0Exception.Kind.DOM0_NOT_RUNNING, "dom0 at " + socket
                    + " closed the connection before reading the request: it is stopping", e);
        }
    }

    private Response receive(SocketChannel ch) {
        try {
            return Wire.decodeResponse(Wire.readFrame(ch).orElseThrow(() -> new EOFException("dom0 closed the connection")));
        } catch (Wire.ProtocolException e) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "dom0 at " + socket + " answered with a malformed message: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            // dom0 answers every request it reads, even with a failure; it hangs up unanswered only when stopping.
            throw new Dom0Exception(Dom0Exception.Kind.DOM0_NOT_RUNNING, "dom0 at " + socket
                    + " closed the connection before answering: it is stopping", e);
        }
    }

    private static Dom0Exception unexpected(Response r, Class<?> expected) {
        return new Dom0Exception(Dom0Exception.Kind.FAILED, "dom0 answered " + r.getClass().getSimpleName() + " where "
                + expected.getSimpleName() + " was expected");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", c, e.toString());
        }
    }
}
