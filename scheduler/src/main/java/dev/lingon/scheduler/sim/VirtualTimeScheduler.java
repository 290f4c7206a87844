package dev.lingon.scheduler.sim;

import com.typesafe.config.Config;

import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.event.LoggingAdapter;

import java.io.Closeable;
import java.util.concurrent.ThreadFactory;

import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * {@code pekko.scheduler.implementation} for simulated actor systems: timers on the simulation's one
 * virtual clock, fired by the driver when nothing else is runnable, ties broken by the order they were
 * set. Starts no thread. Closing it (Pekko does when the system terminates) drops its timers, so a
 * terminated system's phase timeouts cannot leak into the rest of the run.
 *
 * <p>Pekko instantiates it with {@code (Config, LoggingAdapter, ThreadFactory)}, so it finds its
 * simulation through {@code lingon.simulation.id} in the system's config.
 */
public final class VirtualTimeScheduler implements Scheduler, Closeable {
    private final Simulation sim;

    public VirtualTimeScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
        this.sim = Simulation.byId(config.getString("lingon.simulation.id"));
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
        return sim.addTimer(this, Math.max(0, delay.toNanos()), 0, runnable, executor);
    }

    /** Fixed rate: each firing is due one interval after the previous one was due. */
    @Override
    public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable, ExecutionContext executor) {
        if (interval.toNanos() <= 0) {
            throw new IllegalArgumentException("a repeating timer needs a positive interval, got " + interval);
        }
        return sim.addTimer(this, Math.max(0, initialDelay.toNanos()), interval.toNanos(), runnable, executor);
    }

    @Override
    public double maxFrequency() {
        return 1_000_000.0;
    }

    @Override
    public void close() {
        sim.dropTimers(this);
    }
}
