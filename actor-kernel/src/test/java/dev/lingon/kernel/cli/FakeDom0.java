package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;
import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A toolstack for the CLI's tests: domains as rows in a table, consoles as lists of lines. Shutdown and
 * destroy remove the domain (on_poweroff destroy), reboot recreates it under a new domid (on_reboot
 * restart), pause and unpause check the state as xl does. Every call is recorded. Thread-safe.
 */
final class FakeDom0 implements Dom0Api {

    static final class Domain {
        final String name;
        final int domid;
        final DomainSpec spec;
        volatile char state = 'r';
        final List<String> console = new CopyOnWriteArrayList<>();
        final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();

        Domain(String name, int domid, DomainSpec spec) {
            this.name = name;
            this.domid = domid;
            this.spec = spec;
        }
    }

    private final Map<Integer, Domain> domains = new TreeMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private int nextDomid = 1;
    /** When set, shutdown leaves the domain in the shutdown state (on_poweroff preserve) instead of removing it. */
    volatile boolean preserveOnShutdown;
    /** When set, shutdown requests are ignored, as by a guest that does not watch control/shutdown. */
    volatile boolean ignoreShutdown;
    /** When set, every call throws it. */
    volatile RuntimeException failure;
    volatile boolean closed;

    FakeDom0() {
        domains.put(0, new Domain("Domain-0", 0, null));
    }

    List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized Domain domain(String nameOrId) {
        for (Domain d : domains.values()) {
            if (d.name.equals(nameOrId) || Integer.toString(d.domid).equals(nameOrId)) {
                return d;
            }
        }
        throw new Dom0Exception(Dom0Exception.Kind.UNKNOWN_DOMAIN, "unknown domain: " + nameOrId);
    }

    /** A line written by the domain's application to its console. */
    void emit(String domain, String line) {
        Domain d = domain(domain);
        d.console.add(line);
        d.followers.forEach(f -> f.accept(line));
    }

    int followers(String domain) {
        return domain(domain).followers.size();
    }

    private void record(String call) {
        calls.add(call);
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    @Override
    public synchronized List<DomainStatus> list() {
        record("list");
        List<DomainStatus> out = new ArrayList<>();
        for (Domain d : domains.values()) {
            int vcpus = d.spec == null ? 2 : d.spec.vcpus();
            int memory = d.spec == null ? 4096 : d.spec.memoryMiB();
            out.add(new DomainStatus(d.name, d.domid, d.state, vcpus, memory, Duration.ofMillis(1500L + 1000L * d.domid)));
        }
        return out;
    }

    @Override
    public synchronized DomainStatus create(DomainSpec spec) {
        record("create " + spec.name());
        for (Domain d : domains.values()) {
            if (d.name.equals(spec.name())) {
                throw new Dom0Exception(Dom0Exception.Kind.ALREADY_EXISTS, "domain " + spec.name() + " already exists (id " + d.domid + ")");
            }
        }
        Domain d = new Domain(spec.name(), nextDomid++, spec);
        domains.put(d.domid, d);
        d.console.add(spec.name() + " booted");
        return new DomainStatus(d.name, d.domid, 'r', spec.vcpus(), spec.memoryMiB(), Duration.ZERO);
    }

    @Override
    public synchronized void shutdown(String domain) {
        record("shutdown " + domain);
        Domain d = domain(domain);
        if (ignoreShutdown) {
            return;
        }
        if (preserveOnShutdown) {
            d.state = 's';
        } else {
            domains.remove(d.domid);
        }
    }

    @Override
    public synchronized void reboot(String domain) {
        record("reboot " + domain);
        Domain d = domain(domain);
        domains.remove(d.domid);
        Domain again = new Domain(d.name, nextDomid++, d.spec);
        domains.put(again.domid, again);
        again.console.add(d.name + " booted");
    }

    @Override
    public synchronized void destroy(String domain) {
        record("destroy " + domain);
        Domain d = domain(domain);
        if (d.domid == 0) {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "dom0 cannot be destroyed");
        }
        domains.remove(d.domid);
    }

    @Override
    public synchronized void pause(String domain) {
        record("pause " + domain);
        Domain d = domain(domain);
        if (d.state == 'p') {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "domain " + d.name + " is already paused");
        }
        d.state = 'p';
    }

    @Override
    public synchronized void unpause(String domain) {
        record("unpause " + domain);
        Domain d = domain(domain);
        if (d.state != 'p') {
            throw new Dom0Exception(Dom0Exception.Kind.WRONG_STATE, "domain " + d.name + " is not paused");
        }
        d.state = 'r';
    }

    @Override
    public AutoCloseable console(String domain, boolean follow, Consumer<String> lines) {
        Domain d;
        synchronized (this) {
            record("console " + domain + (follow ? " follow" : ""));
            d = domain(domain);
        }
        d.console.forEach(lines);
        if (!follow) {
            return () -> { };
        }
        d.followers.add(lines);
        return () -> d.followers.remove(lines);
    }

    @Override
    public synchronized List<DomainTop> top() {
        record("top");
        List<DomainTop> out = new ArrayList<>();
        for (Domain d : domains.values()) {
            out.add(new DomainTop(d.name, d.domid, d.spec == null ? 2 : d.spec.vcpus(), 12.5 * (d.domid + 1), 1000.0 * d.domid,
                    50.25, 3L * d.domid, d.domid));
        }
        return out;
    }
}
