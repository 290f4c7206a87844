package dev.lingon.supervision.testkit;

import dev.lingon.supervision.api.Pid;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What test processes did, in the order they did it ("start:a", "stop:a", …), and the latest pid of each
 * named worker. Written by process threads, read by the test thread.
 */
public final class EventLog {

    private final List<String> events = new ArrayList<>();
    private final Map<String, Pid> pids = new ConcurrentHashMap<>();

    public synchronized void add(String event) {
        events.add(event);
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    /** The events that start with {@code prefix}, in order. */
    public synchronized List<String> matching(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).toList();
    }

    public synchronized int count(String event) {
        return (int) events.stream().filter(event::equals).count();
    }

    public synchronized void clear() {
        events.clear();
    }

    void register(String name, Pid pid) {
        pids.put(name, pid);
    }

    /** The pid of the most recent start of worker {@code name}. */
    public Pid pid(String name) {
        Pid pid = pids.get(name);
        if (pid == null) {
            throw new AssertionError("worker " + name + " never started");
        }
        return pid;
    }
}
