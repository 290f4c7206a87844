package dev.lingon.scheduler.sim;

import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.xen.api.EventPending;
import dev.lingon.scheduler.api.Lane;
import dev.lingon.scheduler.api.SchedulerMetrics;
import dev.lingon.scheduler.api.VcpuMetrics;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A domain's kernel inside a {@link Simulation}: its dispatchers hand work to the simulation's one
 * queue, and after every step the simulation scans this domain's pending ports and tells the bound
 * actors, exactly as a vCPU would. Driver thread only.
 */
final class SimKernel implements DomainKernel {
    private static final Logger log = LoggerFactory.getLogger(SimKernel.class);

    private final Simulation sim;
    private final XenDomain domain;
    /** Port → actor, iterated in port order. */
    private final TreeMap<Integer, ActorRef<EventPending>> bindings = new TreeMap<>();
    private final BitSet unboundLogged = new BitSet();
    private long unboundEvents;
    long slices;
    long events;
    private boolean closed;

    SimKernel(Simulation sim, XenDomain domain) {
        this.sim = sim;
        this.domain = domain;
        // Like the real kernel: every port masked until bound.
        for (int p = 1; p < 4096; p++) {
            domain.evtchn().mask(p);
        }
    }

    Simulation simulation() {
        return sim;
    }

    @Override
    public XenDomain domain() {
        return domain;
    }

    @Override
    public ExecutorService executor(Lane lane) {
        return new AbstractExecutorService() {
            private volatile boolean shut;

            @Override
            public void execute(Runnable command) {
                if (closed) {
                    return;
                }
                sim.enqueue(SimKernel.this, command);
            }

            @Override
            public void shutdown() {
                shut = true;
            }

            @Override
            public List<Runnable> shutdownNow() {
                shut = true;
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return shut;
            }

            @Override
            public boolean isTerminated() {
                return shut;
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) {
                return shut;
            }
        };
    }

    @Override
    public void bind(int port, ActorRef<EventPending> actor) {
        if (port <= 0 || port >= 4096) {
            throw new IllegalArgumentException("port " + port + " is outside 1..4095");
        }
        sim.checkDriver();
        bindings.put(port, actor);
        domain.evtchn().bindVcpu(port, 0);
        domain.evtchn().unmask(port);
    }

    @Override
    public void unbind(int port) {
        sim.checkDriver();
        domain.evtchn().mask(port);
        bindings.remove(port);
    }

    /** Scans every vCPU slot with an upcall pending and delivers its ports, in port order. */
    void scanEvents() {
        var ev = domain.evtchn();
        for (int u = 0; u < domain.vcpus(); u++) {
            if (ev.upcallPending(u)) {
                ev.drainPending(u, this::deliver);
            }
        }
    }

    private void deliver(int port) {
        ActorRef<EventPending> ref = bindings.get(port);
        if (ref != null) {
            ref.tell(new EventPending(port));
            events++;
            return;
        }
        unboundEvents++;
        if (!unboundLogged.get(port)) {
            unboundLogged.set(port);
            log.warn("{}: event on port {} with no actor bound to it; counted and dropped (logged once per port)", domain.handle(), port);
        }
    }

    @Override
    public SchedulerMetrics metrics() {
        return new SchedulerMetrics(domain.name(), List.of(new VcpuMetrics(0, 0, 0, slices, 0, events, 0, 0, 0)), unboundEvents, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
