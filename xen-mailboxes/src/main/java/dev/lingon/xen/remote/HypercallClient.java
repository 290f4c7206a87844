package dev.lingon.xen.remote;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A domain process's end of its hypercall connection to dom0 ({@link HypercallLayout}): presents the
 * launch ticket, then carries {@link Request}s to dom0 and brings their {@link Reply}s back. Calls from
 * any number of threads are in flight at once, told apart by request id; one reader thread matches
 * replies to calls and hands pushes (req_id 0) to the push handler, in arrival order.
 *
 * <p>When the link ends (dom0 closed it, dom0 died, the socket failed, dom0 reported a protocol
 * error), every call in flight and every later call fails with {@link Dom0LinkException} and the
 * link-down handler runs once: the domain can make no more hypercalls and must stop. Thread-safe.
 */
final class HypercallClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HypercallClient.class);

    /** How long a call waits for dom0 before the link counts as dead; dom0 answers in microseconds. */
    static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final LaunchTicket ticket;
    private final FrameChannel ch;
    private final Reply.Welcome welcome;
    private final Duration callTimeout;
    private final Map<Integer, CompletableFuture<Reply>> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger nextReqId = new AtomicInteger();
    private final Thread reader;
    private final CompletableFuture<String> down = new CompletableFuture<>();
    private volatile Consumer<Reply> pushHandler = p -> { };

    private HypercallClient(LaunchTicket ticket, FrameChannel ch, Reply.Welcome welcome, Duration callTimeout) {
        this.ticket = ticket;
        this.ch = ch;
        this.welcome = welcome;
        this.callTimeout = callTimeout;
        this.reader = Thread.ofPlatform().name("lingon-dom0-link-" + ticket.handle()).daemon(true).unstarted(this::readLoop);
    }

    /**
     * Connects to dom0 and says hello with the ticket's token.
     * @throws Dom0LinkException when dom0 cannot be reached or refuses the ticket ({@link Dom0LinkException#refusal()} names why)
     */
    static HypercallClient connect(LaunchTicket ticket, Duration callTimeout) {
        Objects.requireNonNull(ticket, "ticket");
        SocketChannel sc;
        try {
            sc = SocketChannel.open(StandardProtocolFamily.UNIX);
            sc.connect(UnixDomainSocketAddress.of(ticket.socket()));
        } catch (IOException e) {
            throw new Dom0LinkException(ticket.handle() + " cannot reach dom0 at " + ticket.socket() + ": " + e.getMessage(), e);
        }
        FrameChannel ch = new FrameChannel(sc);
        try {
            ch.write(HypercallCodec.encode(1, new Request.Hello(HypercallLayout.VERSION, ticket.handle().domid(),
                    ticket.handle().generation(), ticket.token())));
            FrameChannel.Frame f = ch.read();
            if (f == null) {
                throw new Dom0LinkException("dom0 closed the hypercall connection of " + ticket.handle() + " without answering its hello");
            }
            Reply r = HypercallCodec.decodeReply(f.kind(), f.body());
            return switch (r) {
                case Reply.Welcome w -> {
                    HypercallClient c = new HypercallClient(ticket, ch, w, callTimeout);
                    c.reader.start();
                    yield c;
                }
                case Reply.Refused refused -> throw new Dom0LinkException("dom0 refused the hypercall connection of " + ticket.handle()
                        + " (" + refused.errno() + "): " + refused.reason(), refused.errno());
                default -> throw new Dom0LinkException("dom0 answered the hello of " + ticket.handle() + " with " + r);
            };
        } catch (IOException e) {
            ch.close();
            throw new Dom0LinkException("the hello of " + ticket.handle() + " to dom0 at " + ticket.socket() + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Reply.Welcome welcome() {
        return welcome;
    }

    /** Where pushes go, on the reader thread, in order; the handler must not make calls itself (it would wait on its own thread). */
    void onPush(Consumer<Reply> handler) {
        this.pushHandler = Objects.requireNonNull(handler, "handler");
    }

    /** Runs once, with the reason, when the link ends; at once if it already has. */
    void onDown(Consumer<String> handler) {
        down.thenAccept(handler);
    }

    boolean isUp() {
        return !down.isDone();
    }

    /**
     * Makes one call and waits for its reply.
     * @throws Dom0LinkException when the link is down, goes down meanwhile, or dom0 does not answer in time
     */
    Reply call(Request request) {
        if (down.isDone()) {
            throw new Dom0LinkException(ticket.handle() + " cannot make " + request.describe() + ": its link to dom0 is down ("
                    + down.getNow("") + ")");
        }
        int id = nextId();
        CompletableFuture<Reply> f = new CompletableFuture<>();
        inFlight.put(id, f);
        try {
            ch.write(HypercallCodec.encode(id, request));
            if (down.isDone()) {
                // The reader may have failed the in-flight calls before this one was registered.
                f.completeExceptionally(new Dom0LinkException("link to dom0 down: " + down.getNow("")));
            }
            return f.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (IOException e) {
            linkDown("writing to dom0 failed: " + e.getMessage());
            throw new Dom0LinkException(ticket.handle() + " could not send " + request.describe() + " to dom0: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new Dom0LinkException("dom0 did not answer " + request.describe() + " of " + ticket.handle() + " within " + callTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dom0LinkException("interrupted while " + ticket.handle() + " waited for dom0 to answer " + request.describe(), e);
        } catch (ExecutionException e) {
            throw new Dom0LinkException(ticket.handle() + "'s call " + request.describe() + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            inFlight.remove(id);
        }
    }

    private int nextId() {
        while (true) {
            int id = nextReqId.incrementAndGet();
            if (id != HypercallLayout.PUSH_REQ_ID) {
                return id;
            }
        }
    }

    private void readLoop() {
        try {
            while (true) {
                FrameChannel.Frame f = ch.read();
                if (f == null) {
                    linkDown("dom0 closed the connection");
                    return;
                }
                Reply r = HypercallCodec.decodeReply(f.kind(), f.body());
                if (f.reqId() == HypercallLayout.PUSH_REQ_ID) {
                    if (r instanceof Reply.ProtocolError pe) {
                        log.error("dom0 says {} broke the hypercall protocol: {}", ticket.handle(), pe.message());
                        linkDown("dom0 reported a protocol error: " + pe.message());
                        return;
                    }
                    try {
                        pushHandler.accept(r);
                    } catch (RuntimeException e) {
                        log.warn("{} failed to handle the push {}", ticket.handle(), r, e);
                    }
                    continue;
                }
                CompletableFuture<Reply> waiting = inFlight.get(f.reqId());
                if (waiting == null) {
                    log.debug("{}: reply to req_id {} arrived after its caller gave up: {}", ticket.handle(), f.reqId(), r);
                } else {
                    waiting.complete(r);
                }
            }
        } catch (MalformedFrameException e) {
            log.error("dom0 sent {} a malformed frame; dropping the link: {}", ticket.handle(), e.getMessage());
            linkDown("malformed frame from dom0: " + e.getMessage());
        } catch (IOException e) {
            linkDown("reading from dom0 failed: " + e.getMessage());
        }
    }

    private void linkDown(String why) {
        if (!down.complete(why)) {
            return;
        }
        if (!why.equals("closed by this domain")) {
            log.warn("{} lost its hypercall link to dom0: {}", ticket.handle(), why);
        }
        ch.close();
        Dom0LinkException e = new Dom0LinkException(ticket.handle() + "'s link to dom0 is down: " + why);
        for (CompletableFuture<Reply> f : inFlight.values()) {
            f.completeExceptionally(e);
        }
    }

    /** Closes the connection; dom0 treats that as the domain's end. */
    @Override
    public void close() {
        linkDown("closed by this domain");
        if (Thread.currentThread() != reader) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
