package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a {@link Dom0Api} on dom0's control socket, so that {@code lingon list}, {@code console},
 * {@code shutdown} … in another shell drive the running dom0 through a {@link Dom0Client}.
 *
 * <p>One request per connection (the protocol is in {@link Wire}): the answer follows, and the
 * connection closes, except for a followed console, which streams lines until the client hangs up or
 * the server closes. Failures travel back as their {@link Dom0Exception} kind and message; anything else
 * thrown by the {@code Dom0Api} is logged and reported as {@code FAILED}. A malformed request is
 * answered with {@code FAILED} and the connection closed.
 *
 * <p>Threads: one platform thread accepts; each connection runs on a virtual thread, since a request may
 * wait (a create waits for the domain to boot) and a follower waits for lines. Console lines reach a
 * follower through a bounded {@link ConsoleQueue}, so a slow client never holds up dom0. Thread-safe;
 * {@link #close()} may come from any thread.
 */
public final class Dom0Server implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Dom0Server.class);

    /** Lines a follower may fall behind by before lines are dropped (and the follower told so). */
    static final int FOLLOW_BACKLOG = 10_000;

    private final Dom0Api api;
    private final ControlSocket socket;
    /** How long {@link #close()} waits for requests in progress (a create may be booting a domain). */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private Dom0Server(Dom0Api api, ControlSocket socket) {
        this.api = api;
        this.socket = socket;
        this.acceptor = Thread.ofPlatform().name("lingon-dom0-control").daemon(true).unstarted(this::acceptLoop);
    }

    /** Serves {@code api} on a socket already bound (see {@link ControlSocket#bind}); the server owns it from now on. */
    public static Dom0Server start(Dom0Api api, ControlSocket socket) {
        Dom0Server server = new Dom0Server(Objects.requireNonNull(api, "api"), Objects.requireNonNull(socket, "socket"));
        server.acceptor.start();
        log.debug("dom0 control socket listening at {}", socket.path());
        return server;
    }

    /** Binds {@code path} (see {@link ControlSocket#bind}) and serves {@code api} on it. */
    public static Dom0Server start(Dom0Api api, Path path) {
        return start(api, ControlSocket.bind(path));
    }

    public Path socketPath() {
        return socket.path();
    }

    /**
     * Stops accepting, ends every open connection (followers see their stream end), removes the socket,
     * and waits (up to {@link #CLOSE_GRACE}) for the requests in progress, so that the consoles this
     * server followed are let go before dom0 itself stops.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.close();
        for (SocketChannel c : connections) {
            closeQuietly(c);
        }
        try {
            acceptor.join();
            for (Thread h : handlers) {
                if (!h.join(CLOSE_GRACE)) {
                    log.warn("A control socket request was still running {} after the server closed", CLOSE_GRACE);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = socket.channel().accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.warn("Accepting on the control socket {} failed: {}", socket.path(), e.toString());
                }
                return;
            }
            connections.add(ch);
            if (closed) {
                // close() may have swept the set before this connection was added.
                closeQuietly(ch);
            }
            Thread handler = Thread.ofVirtual().name("lingon-dom0-client").unstarted(() -> {
                try {
                    serve(ch);
                } finally {
                    handlers.remove(Thread.currentThread());
                }
            });
            handlers.add(handler);
            handler.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            Optional<ByteBuffer> frame = Wire.readFrame(ch);
            if (frame.isEmpty()) {
                return;
            }
            Request request;
            try {
                request = Wire.decodeRequest(frame.get());
            } catch (Wire.ProtocolException e) {
                log.debug("Malformed request on the control socket: {}", e.getMessage());
                reply(ch, new Response.Failure(Dom0Exception.Kind.FAILED, "malformed request: " + e.getMessage()));
                return;
            }
            Response answer;
            try {
                answer = switch (request) {
                    case Request.ListDomains l -> new Response.Domains(api.list());
                    case Request.Create c -> new Response.Created(api.create(c.spec()));
                    case Request.Lifecycle l -> {
                        switch (l.op()) {
                            case SHUTDOWN -> api.shutdown(l.domain());
                            case REBOOT -> api.reboot(l.domain());
                            case DESTROY -> api.destroy(l.domain());
                            case PAUSE -> api.pause(l.domain());
                            case UNPAUSE -> api.unpause(l.domain());
                        }
                        yield new Response.Done();
                    }
                    case Request.Top t -> new Response.Tops(api.top());
                    case Request.Console c -> {
                        console(ch, c);
                        yield null;
                    }
                };
            } catch (Dom0Exception e) {
                answer = new Response.Failure(e.kind(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("dom0 failed to carry out {}", request, e);
                answer = new Response.Failure(Dom0Exception.Kind.FAILED, "dom0 failed: " + e);
            }
            if (answer != null) {
                reply(ch, answer);
            }
        } catch (IOException e) {
            if (!closed) {
                log.debug("A control socket client went away: {}", e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(ch);
        }
    }

    /** Sends the kept lines, then {@code Done}; with follow, streams further lines until either side closes. */
    private void console(SocketChannel ch, Request.Console request) throws IOException, InterruptedException {
        if (!request.follow()) {
            List<String> kept = new java.util.ArrayList<>();
            AutoCloseable handle = api.console(request.domain(), false, kept::add);
            closeQuietly(handle);
            for (String line : kept) {
                reply(ch, new Response.ConsoleLine(line));
            }
            reply(ch, new Response.Done());
            return;
        }
        ConsoleQueue queue = new ConsoleQueue(FOLLOW_BACKLOG);
        AutoCloseable handle = api.console(request.domain(), true, queue::offer);
        Thread hangUpWatch = null;
        try {
            for (String line : queue.drain()) {
                reply(ch, new Response.ConsoleLine(line));
            }
            reply(ch, new Response.Done());
            // The client sends nothing more; a read that returns tells that it hung up.
            hangUpWatch = Thread.ofVirtual().name("lingon-dom0-console-hangup").start(() -> {
                try {
                    ch.read(ByteBuffer.allocate(1));
                } catch (IOException e) {
                    log.trace("Console follower connection ended: {}", e.toString());
                } finally {
                    queue.close();
                }
            });
            for (Optional<String> line = queue.take(); line.isPresent(); line = queue.take()) {
                reply(ch, new Response.ConsoleLine(line.get()));
            }
        } finally {
            queue.close();
            closeQuietly(handle);
            closeQuietly(ch);
            if (hangUpWatch != null) {
                hangUpWatch.join();
            }
        }
    }

    private static void reply(SocketChannel ch, Response r) throws IOException {
        Wire.writeFrame(ch, Wire.encode(r));
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", c, e.toString());
        }
    }
}
