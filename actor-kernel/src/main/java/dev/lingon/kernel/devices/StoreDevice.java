package dev.lingon.kernel.devices;

import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.StoreClient;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * The store device: an asynchronous XenStore client for a domain's actors.
 *
 * <p>Each call becomes a request in the device's queue and a message to the device actor, which
 * carries requests out in the order they were made, on its own xenstored connection
 * ({@link XenDomain#openStore()}), and completes each stage with xenstored's answer: a {@link Result},
 * so ENOENT, EACCES, EEXIST … are values. The queue belongs to the device, not to the actor: a
 * request made while the actor is being restarted waits there and is carried out by the next
 * incarnation, so the client handed to the application keeps working across restarts. Stages are
 * completed on the actor system's default dispatcher (the application's lane), so a callback attached
 * to one never runs on, or stalls, the kernel lane.
 *
 * <p>Watches: {@link #watch} registers the watch on the device's connection and remembers the
 * subscriber. xenstored's events reach the connection's listener, which only tells the device actor;
 * the actor tells each event to the subscribers whose watch (same token, path equal to or above the
 * event's path, in the spelling the watch used) it belongs to. A subscriber that terminates loses its
 * watches. Each incarnation of the actor opens a fresh connection (so a transaction a crashed
 * incarnation left open dies with its connection) and registers every remembered watch again; as
 * with any registration, each fires once at once, which subscribers must accept as the spurious
 * events XenStore allows.
 *
 * <p>Transactions: {@link #transaction} runs the body on the device actor inside
 * {@code TRANSACTION_START}/{@code TRANSACTION_END} and starts over when the commit answers EAGAIN, at
 * most {@code maxAttempts} times; a body answering an error aborts the transaction and that error is
 * the result; a body that throws aborts it and fails the stage with the exception.
 *
 * <p>Threads: every public method from any thread. The actor, on the kernel lane, owns its
 * connection; the watch table is shared by its successive incarnations (under its own lock).
 */
public final class StoreDevice implements KernelDevice, StoreClient {
    private static final Logger log = LoggerFactory.getLogger(StoreDevice.class);

    /** The worker's child id. */
    public static final String CHILD_ID = KernelService.STORE.configName();

    /** Requests carried out per message before the actor lets other kernel actors run. */
    static final int BATCH = 64;

    private final XenDomain xen;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    /** Watches in registration order, by (path as given, token); guarded by itself. */
    private final Map<WatchKey, ActorRef<WatchEvent>> watches = new LinkedHashMap<>();
    /** The running incarnation of the actor, or null between incarnations. */
    private volatile ActorRef<Msg> worker;
    private volatile boolean closed;

    private StoreDevice(XenDomain xen) {
        this.xen = xen;
    }

    /** A store device for the domain; uses {@code ctx.xen()} only. Its actor opens its connection when it starts. */
    public static StoreDevice start(DomainContext ctx) {
        Objects.requireNonNull(ctx, "ctx");
        return new StoreDevice(ctx.xen());
    }

    // ------------------------------------------------------------------ StoreClient

    @Override
    public CompletionStage<Result<String>> read(String path) {
        requirePath(path);
        return submitOp(s -> s.read(path));
    }

    @Override
    public CompletionStage<Result<Void>> write(String path, String value) {
        requirePath(path);
        Objects.requireNonNull(value, "value");
        return submitOp(s -> s.write(path, value));
    }

    @Override
    public CompletionStage<Result<Void>> mkdir(String path) {
        requirePath(path);
        return submitOp(s -> s.mkdir(path));
    }

    @Override
    public CompletionStage<Result<Void>> rm(String path) {
        requirePath(path);
        return submitOp(s -> s.rm(path));
    }

    @Override
    public CompletionStage<Result<List<String>>> directory(String path) {
        requirePath(path);
        return submitOp(s -> s.directory(path));
    }

    @Override
    public CompletionStage<Result<List<XsPermission>>> getPermissions(String path) {
        requirePath(path);
        return submitOp(s -> s.getPermissions(path));
    }

    @Override
    public CompletionStage<Result<Void>> setPermissions(String path, List<XsPermission> perms) {
        requirePath(path);
        List<XsPermission> copy = List.copyOf(perms);
        return submitOp(s -> s.setPermissions(path, copy));
    }

    @Override
    public CompletionStage<Result<Void>> watch(String path, String token, ActorRef<WatchEvent> subscriber) {
        requirePath(path);
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(subscriber, "subscriber");
        CompletableFuture<Result<Void>> reply = new CompletableFuture<>();
        submit(new WatchRequest(new WatchKey(path, token), subscriber, reply));
        return reply;
    }

    @Override
    public CompletionStage<Result<Void>> unwatch(String path, String token) {
        requirePath(path);
        Objects.requireNonNull(token, "token");
        CompletableFuture<Result<Void>> reply = new CompletableFuture<>();
        submit(new UnwatchRequest(new WatchKey(path, token), reply));
        return reply;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code maxAttempts} is below 1
     */
    @Override
    public <T> CompletionStage<Result<T>> transaction(TransactionBody<T> body, int maxAttempts) {
        Objects.requireNonNull(body, "body");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a transaction needs at least one attempt, got maxAttempts = " + maxAttempts);
        }
        CompletableFuture<Result<T>> reply = new CompletableFuture<>();
        submit(new TxRequest<>(body, maxAttempts, reply));
        return reply;
    }

    private static void requirePath(String path) {
        Objects.requireNonNull(path, "path");
    }

    private <T> CompletionStage<Result<T>> submitOp(Function<XenStore, Result<T>> op) {
        CompletableFuture<Result<T>> reply = new CompletableFuture<>();
        submit(new OpRequest<>(op, reply));
        return reply;
    }

    private void submit(Request request) {
        if (closed) {
            request.fail(closedException());
            return;
        }
        queue.add(request);
        if (closed) {
            failQueued();
            return;
        }
        // Read after the add: an incarnation that starts later drains the queue after publishing
        // itself here, so the request is either seen by its drain or told to it.
        ActorRef<Msg> w = worker;
        if (w != null) {
            w.tell(Drain.INSTANCE);
        }
    }

    // ------------------------------------------------------------------ KernelDevice

    @Override
    public KernelService service() {
        return KernelService.STORE;
    }

    @Override
    public ChildSpec childSpec() {
        return DeviceWorker.spec(CHILD_ID, this::worker);
    }

    /** Refuses further requests and fails those still queued with {@link IllegalStateException}. Watches are forgotten. */
    @Override
    public void close() {
        closed = true;
        failQueued();
        synchronized (watches) {
            watches.clear();
        }
    }

    /** Requests waiting for the actor now. */
    public int queuedRequests() {
        return queue.size();
    }

    /** Watches registered now, in registration order, as {@code path token} pairs. */
    public List<String> watchedPaths() {
        synchronized (watches) {
            List<String> out = new ArrayList<>(watches.size());
            for (WatchKey k : watches.keySet()) {
                out.add(k.path() + " " + k.token());
            }
            return out;
        }
    }

    private void failQueued() {
        Request r;
        while ((r = queue.poll()) != null) {
            r.fail(closedException());
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("the store device of " + xen.handle() + " is closed");
    }

    // ------------------------------------------------------------------ the actor

    sealed interface Msg {
    }

    /** Requests are waiting in the queue. */
    enum Drain implements Msg {
        INSTANCE
    }

    /** The connection's listener saw a watch event. */
    record Fired(WatchEvent event) implements Msg {
    }

    private Behavior<Msg> worker() {
        return Behaviors.setup(actx -> {
            Incarnation inc = new Incarnation(actx, xen.openStore());
            inc.start();
            return Behaviors.receive(Msg.class)
                    .onMessage(Drain.class, d -> inc.drain())
                    .onMessage(Fired.class, f -> inc.fired(f.event()))
                    .onSignal(Terminated.class, t -> inc.subscriberGone(t.getRef()))
                    .onSignal(PostStop.class, s -> inc.stop())
                    .build();
        });
    }

    /** One incarnation of the device actor and its connection. Owned by the actor. */
    private final class Incarnation {
        private final ActorContext<Msg> actx;
        private final XenStore conn;
        private final Executor replies;

        Incarnation(ActorContext<Msg> actx, XenStore conn) {
            this.actx = actx;
            this.conn = conn;
            this.replies = actx.getSystem().executionContext();
        }

        void start() {
            ActorRef<Msg> self = actx.getSelf();
            // The listener runs on whichever thread changed the store: it only tells.
            conn.onWatchEvent(e -> self.tell(new Fired(e)));
            for (Map.Entry<WatchKey, ActorRef<WatchEvent>> w : watchSnapshot()) {
                Result<Void> r = conn.watch(w.getKey().path(), w.getKey().token());
                if (r.isOk()) {
                    actx.watch(w.getValue());
                } else {
                    log.warn("{}: cannot register watch {} again after a restart: {}", xen.handle(), w.getKey(), r);
                    synchronized (watches) {
                        watches.remove(w.getKey());
                    }
                }
            }
            worker = self;
            drain();
        }

        Behavior<Msg> drain() {
            for (int i = 0; i < BATCH; i++) {
                Request r = queue.poll();
                if (r == null) {
                    return Behaviors.same();
                }
                carryOut(r);
            }
            if (!queue.isEmpty()) {
                actx.getSelf().tell(Drain.INSTANCE);
            }
            return Behaviors.same();
        }

        private void carryOut(Request request) {
            try {
                switch (request) {
                    case OpRequest<?> op -> op.answer(conn, this::complete);
                    case WatchRequest w -> complete(w.reply(), addWatch(w));
                    case UnwatchRequest u -> complete(u.reply(), removeWatch(u.key()));
                    case TxRequest<?> tx -> runTransaction(tx);
                }
            } catch (RuntimeException e) {
                later(() -> request.fail(e));
            }
        }

        private Result<Void> addWatch(WatchRequest w) {
            synchronized (watches) {
                if (watches.containsKey(w.key())) {
                    return Result.err(Errno.EEXIST, "already watching " + w.key().path() + " with token " + w.key().token());
                }
            }
            Result<Void> r = conn.watch(w.key().path(), w.key().token());
            if (r.isOk()) {
                synchronized (watches) {
                    watches.put(w.key(), w.subscriber());
                }
                actx.watch(w.subscriber());
            }
            return r;
        }

        private Result<Void> removeWatch(WatchKey key) {
            Result<Void> r = conn.unwatch(key.path(), key.token());
            ActorRef<WatchEvent> sub;
            synchronized (watches) {
                sub = watches.remove(key);
            }
            if (sub != null && !subscribed(sub)) {
                actx.unwatch(sub);
            }
            return r;
        }

        private boolean subscribed(ActorRef<WatchEvent> sub) {
            synchronized (watches) {
                return watches.containsValue(sub);
            }
        }

        private <T> void runTransaction(TxRequest<T> tx) {
            for (int attempt = 1; ; attempt++) {
                Result<Integer> started = conn.transactionStart();
                if (!started.isOk()) {
                    complete(tx.reply(), Result.err(started.errno(), "TRANSACTION_START: " + started));
                    return;
                }
                int id = started.orThrow();
                TxView view = new TxView(conn, id);
                Result<T> outcome;
                try {
                    outcome = Objects.requireNonNull(tx.body().run(view), "a transaction body must answer a Result");
                } catch (RuntimeException e) {
                    view.end();
                    conn.transactionEnd(id, false);
                    later(() -> tx.reply().completeExceptionally(e));
                    return;
                }
                view.end();
                if (!outcome.isOk()) {
                    conn.transactionEnd(id, false);
                    complete(tx.reply(), outcome);
                    return;
                }
                Result<Void> commit = conn.transactionEnd(id, true);
                if (commit.isOk()) {
                    complete(tx.reply(), outcome);
                    return;
                }
                if (commit.errno() != Errno.EAGAIN || attempt >= tx.maxAttempts()) {
                    complete(tx.reply(), Result.err(commit.errno(), commit.errno() == Errno.EAGAIN
                            ? "transaction still conflicting after " + attempt + " attempts"
                            : "TRANSACTION_END: " + commit));
                    return;
                }
            }
        }

        Behavior<Msg> fired(WatchEvent event) {
            for (Map.Entry<WatchKey, ActorRef<WatchEvent>> w : watchSnapshot()) {
                if (w.getKey().covers(event)) {
                    w.getValue().tell(event);
                }
            }
            return Behaviors.same();
        }

        Behavior<Msg> subscriberGone(ActorRef<?> ref) {
            List<WatchKey> gone = new ArrayList<>();
            synchronized (watches) {
                watches.entrySet().removeIf(w -> {
                    if (w.getValue().equals(ref)) {
                        gone.add(w.getKey());
                        return true;
                    }
                    return false;
                });
            }
            for (WatchKey k : gone) {
                conn.unwatch(k.path(), k.token());
            }
            if (!gone.isEmpty()) {
                log.debug("{}: subscriber {} terminated; dropped its watches {}", xen.handle(), ref, gone);
            }
            return Behaviors.same();
        }

        Behavior<Msg> stop() {
            if (worker == actx.getSelf()) {
                worker = null;
            }
            conn.close();
            return Behaviors.same();
        }

        private <T> void complete(CompletableFuture<Result<T>> reply, Result<T> value) {
            later(() -> reply.complete(value));
        }

        /** Completes a stage on the application's lane; inline if that executor no longer runs. */
        private void later(Runnable completion) {
            try {
                replies.execute(completion);
            } catch (RejectedExecutionException e) {
                completion.run();
            }
        }
    }

    private List<Map.Entry<WatchKey, ActorRef<WatchEvent>>> watchSnapshot() {
        synchronized (watches) {
            List<Map.Entry<WatchKey, ActorRef<WatchEvent>>> copy = new ArrayList<>(watches.size());
            for (Map.Entry<WatchKey, ActorRef<WatchEvent>> w : watches.entrySet()) {
                copy.add(Map.entry(w.getKey(), w.getValue()));
            }
            return copy;
        }
    }

    /** The operations of one transaction attempt; unusable once the body returned. Used on the actor only. */
    private static final class TxView implements Transaction {
        private final XenStore conn;
        private final int tx;
        private boolean ended;

        TxView(XenStore conn, int tx) {
            this.conn = conn;
            this.tx = tx;
        }

        void end() {
            ended = true;
        }

        private void check() {
            if (ended) {
                throw new IllegalStateException("transaction " + tx + " was used after its body returned");
            }
        }

        @Override
        public Result<String> read(String path) {
            check();
            return conn.read(tx, path);
        }

        @Override
        public Result<Void> write(String path, String value) {
            check();
            return conn.write(tx, path, value);
        }

        @Override
        public Result<Void> mkdir(String path) {
            check();
            return conn.mkdir(tx, path);
        }

        @Override
        public Result<Void> rm(String path) {
            check();
            return conn.rm(tx, path);
        }

        @Override
        public Result<List<String>> directory(String path) {
            check();
            return conn.directory(tx, path);
        }

        @Override
        public Result<Void> setPermissions(String path, List<XsPermission> perms) {
            check();
            return conn.setPermissions(tx, path, perms);
        }
    }

    // ------------------------------------------------------------------ requests

    /** A watch as registered: the path as the caller spelled it and the token. */
    record WatchKey(String path, String token) {
        /**
         * Whether an event belongs to this watch: same token, and the event's path is the watched path
         * or below it. xenstored reports a relative watch's events with relative paths, so both
         * spellings compare as given.
         */
        boolean covers(WatchEvent e) {
            if (!token.equals(e.token())) {
                return false;
            }
            String p = e.path();
            if (p.equals(path)) {
                return true;
            }
            if (path.isEmpty()) {
                return !p.startsWith("/") && !p.startsWith("@");
            }
            return p.startsWith(path.endsWith("/") ? path : path + "/");
        }
    }

    private sealed interface Request permits OpRequest, WatchRequest, UnwatchRequest, TxRequest {
        void fail(Throwable cause);
    }

    private record OpRequest<T>(Function<XenStore, Result<T>> op, CompletableFuture<Result<T>> reply) implements Request {
        void answer(XenStore conn, Completer completer) {
            completer.complete(reply, op.apply(conn));
        }

        @Override
        public void fail(Throwable cause) {
            reply.completeExceptionally(cause);
        }
    }

    private record WatchRequest(WatchKey key, ActorRef<WatchEvent> subscriber, CompletableFuture<Result<Void>> reply)
            implements Request {
        @Override
        public void fail(Throwable cause) {
            reply.completeExceptionally(cause);
        }
    }

    private record UnwatchRequest(WatchKey key, CompletableFuture<Result<Void>> reply) implements Request {
        @Override
        public void fail(Throwable cause) {
            reply.completeExceptionally(cause);
        }
    }

    private record TxRequest<T>(TransactionBody<T> body, int maxAttempts, CompletableFuture<Result<T>> reply) implements Request {
        @Override
        public void fail(Throwable cause) {
            reply.completeExceptionally(cause);
        }
    }

    @FunctionalInterface
    private interface Completer {
        <T> void complete(CompletableFuture<Result<T>> reply, Result<T> value);
    }

    @Override
    public String toString() {
        return "StoreDevice[" + xen.handle() + "]";
    }
}
