package dev.lingon.kernel.dom0.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The console output dom0 keeps for one domain: its last {@code capacity} lines, oldest first (older
 * lines are evicted and counted), and the subscribers following it.
 *
 * <p>A subscription first replays the lines kept at that moment, on the subscribing thread, then (with
 * {@code follow}) receives every later line exactly once, in order, on the thread that appends it
 * (dom0's console daemon), until it is closed or the log ends. A follower that is still replaying
 * holds later lines back until its replay is done. A consumer must be quick (hand slow work to
 * another thread): the daemon serves every domain's console on one thread. A consumer that throws is
 * unsubscribed and the failure logged.
 *
 * <p>Thread-safe.
 */
public final class ConsoleLog {
    private static final Logger log = LoggerFactory.getLogger(ConsoleLog.class);

    /** Lines kept per domain by default. */
    public static final int DEFAULT_CAPACITY = 1000;

    private final int domid;
    private final int capacity;
    /** Guarded by this. */
    private final ArrayDeque<String> lines;
    /** Guarded by this; in subscription order. */
    private final List<Subscription> followers = new ArrayList<>();
    /** Guarded by this. */
    private long appended;
    /** Guarded by this. */
    private long evicted;
    /** Guarded by this. */
    private boolean ended;

    /**
     * @throws IllegalArgumentException when {@code capacity} is below 1
     */
    public ConsoleLog(int domid, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a console log keeps at least one line, got capacity = " + capacity);
        }
        this.domid = domid;
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public int domid() {
        return domid;
    }

    public int capacity() {
        return capacity;
    }

    /** The lines kept now, oldest first. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Lines appended since the log began. */
    public synchronized long appended() {
        return appended;
    }

    /** Lines evicted to stay within the capacity. */
    public synchronized long evicted() {
        return evicted;
    }

    /** True once the domain's console was detached: no more lines will come. */
    public synchronized boolean isEnded() {
        return ended;
    }

    /**
     * Passes the lines kept now to {@code consumer} before returning; with {@code follow}, later lines
     * too, until the returned subscription is closed or the log ends.
     */
    public Subscription subscribe(boolean follow, Consumer<String> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        Subscription sub = new Subscription(this, consumer);
        // The subscription's lock is taken before the log's: a line appended after the snapshot waits
        // on it until the replay is done, so the consumer sees the snapshot, then later lines, in order.
        synchronized (sub) {
            List<String> snapshot;
            boolean following;
            synchronized (this) {
                snapshot = List.copyOf(lines);
                following = follow && !ended;
                if (following) {
                    followers.add(sub);
                }
            }
            for (String line : snapshot) {
                if (!sub.deliverLocked(line)) {
                    break;
                }
            }
            if (!following) {
                sub.closed = true;
            }
        }
        return sub;
    }

    /** Keeps a line and passes it to the followers. Called by the console daemon only. */
    void append(String line) {
        List<Subscription> targets;
        synchronized (this) {
            if (ended) {
                return;
            }
            lines.addLast(line);
            appended++;
            if (lines.size() > capacity) {
                lines.removeFirst();
                evicted++;
            }
            targets = followers.isEmpty() ? List.of() : List.copyOf(followers);
        }
        for (Subscription s : targets) {
            s.deliver(line);
        }
    }

    /** No more lines: followers are dropped. Called by the console daemon only. */
    void end() {
        List<Subscription> targets;
        synchronized (this) {
            ended = true;
            targets = List.copyOf(followers);
            followers.clear();
        }
        for (Subscription s : targets) {
            s.close();
        }
    }

    private synchronized void remove(Subscription sub) {
        followers.remove(sub);
    }

    /** One consumer of a {@link ConsoleLog}. Closing is idempotent; after it returns no line reaches the consumer. */
    public static final class Subscription implements AutoCloseable {
        private final ConsoleLog owner;
        private final Consumer<String> consumer;
        /** Guarded by this. */
        private boolean closed;

        private Subscription(ConsoleLog owner, Consumer<String> consumer) {
            this.owner = owner;
            this.consumer = consumer;
        }

        private synchronized void deliver(String line) {
            deliverLocked(line);
        }

        /** Passes a line on unless closed; a consumer that throws is unsubscribed. Answers whether to go on. */
        private boolean deliverLocked(String line) {
            if (closed) {
                return false;
            }
            try {
                consumer.accept(line);
                return true;
            } catch (RuntimeException e) {
                log.warn("console subscriber of dom{} failed; unsubscribed", owner.domid, e);
                closed = true;
                owner.remove(this);
                return false;
            }
        }

        public synchronized boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
            }
            owner.remove(this);
        }
    }
}
