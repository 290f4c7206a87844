package dev.lingon.kernel.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Console lines on their way from dom0 to one follower. dom0 offers lines from its own threads and must
 * never wait for a slow client, so {@link #offer} never blocks: past the capacity a line is dropped and
 * counted, and the follower is told how many it missed. Thread-safe: any number of offering threads, one
 * taking thread.
 */
final class ConsoleQueue {

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long dropped;
    private boolean closed;

    ConsoleQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Queues a line, or drops and counts it when the queue is full or closed. Never blocks. */
    synchronized void offer(String line) {
        if (closed) {
            return;
        }
        if (lines.size() >= capacity) {
            dropped++;
            return;
        }
        lines.addLast(line);
        notifyAll();
    }

    /** Takes every queued line now, without waiting, with a note first if lines were dropped. */
    synchronized List<String> drain() {
        List<String> out = new ArrayList<>(lines.size() + 1);
        dropNote().ifPresent(out::add);
        out.addAll(lines);
        lines.clear();
        return out;
    }

    /**
     * The next line (a note when lines were dropped before it), waiting for one; empty once the queue is
     * closed.
     */
    synchronized Optional<String> take() throws InterruptedException {
        while (!closed) {
            Optional<String> note = dropNote();
            if (note.isPresent()) {
                return note;
            }
            if (!lines.isEmpty()) {
                return Optional.of(lines.removeFirst());
            }
            wait();
        }
        return Optional.empty();
    }

    /** Ends the queue: {@link #take} answers empty, later offers are ignored. */
    synchronized void close() {
        closed = true;
        lines.clear();
        notifyAll();
    }

    private Optional<String> dropNote() {
        if (dropped == 0) {
            return Optional.empty();
        }
        String note = "[lingon: " + dropped + " console line" + (dropped == 1 ? "" : "s")
                + " dropped: this client read more slowly than the domain wrote]";
        dropped = 0;
        return Optional.of(note);
    }
}
