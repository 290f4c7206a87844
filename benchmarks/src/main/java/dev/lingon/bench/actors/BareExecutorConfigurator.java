package dev.lingon.bench.actors;

import com.typesafe.config.Config;

import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A bound, not a runtime: about the least an executor can do under Pekko's mailboxes, so that a
 * benchmark can show how much of a figure is the executor's at all. Run with
 * {@code --factories pekko-default,lingon-kernel,bare-executor}.
 *
 * <p>One worker thread per core. Work a worker creates goes on its own unsynchronised stack and runs
 * next (newest first, so a message exchange stays on one core and in its cache); work from other
 * threads is dealt round-robin into the workers' inboxes; a worker with two or more tasks hands new
 * ones to a worker that has run dry. There is no stealing, no fairness (a flooding actor starves the
 * others on its worker), no kernel lane, no event scan and no blocking: an idle worker spins, then
 * naps for 50 µs at a time. Nothing on the per-message path is atomic or shared between cores.
 *
 * <p>Do not use it for anything but bounds: it gives up every guarantee the kernel scheduler keeps.
 */
public final class BareExecutorConfigurator extends ExecutorServiceConfigurator {

    /** Spins an idle worker makes before it starts to nap. */
    private static final int SPINS_BEFORE_NAP = 20_000;
    private static final long NAP_NANOS = 50_000;

    public BareExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> new BareExecutor(id, Runtime.getRuntime().availableProcessors());
    }

    static final class BareExecutor extends AbstractExecutorService {
        private final Worker[] workers;
        private final AtomicInteger nextInbox = new AtomicInteger();
        private volatile boolean shut;

        BareExecutor(String id, int threads) {
            workers = new Worker[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Worker(this, id + "-bare-" + i);
            }
            for (Worker w : workers) {
                w.start();
            }
        }

        @Override
        public void execute(Runnable task) {
            if (shut) {
                throw new java.util.concurrent.RejectedExecutionException("the bare executor has been shut down");
            }
            if (Thread.currentThread() instanceof Worker w && w.owner == this) {
                if (w.local.size() >= 2) {
                    for (Worker other : workers) {
                        if (other.dry) {
                            other.inbox.offer(task);
                            return;
                        }
                    }
                }
                w.local.addLast(task);
                return;
            }
            workers[Math.floorMod(nextInbox.getAndIncrement(), workers.length)].inbox.offer(task);
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
            for (Worker w : workers) {
                if (w.isAlive()) {
                    return false;
                }
            }
            return shut;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            long end = System.nanoTime() + unit.toNanos(timeout);
            for (Worker w : workers) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedJoin(w, left);
            }
            return isTerminated();
        }
    }

    private static final class Worker extends Thread {
        final BareExecutor owner;
        /** Owner-only: tasks this worker created, newest run first. */
        final ArrayDeque<Runnable> local = new ArrayDeque<>();
        final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
        /** Whether this worker has run dry; written only on a change, so busy workers never write it. */
        volatile boolean dry;

        Worker(BareExecutor owner, String name) {
            super(name);
            this.owner = owner;
            setDaemon(true);
        }

        @Override
        public void run() {
            int idle = 0;
            while (!owner.shut) {
                Runnable task = local.pollLast();
                if (task == null) {
                    task = inbox.poll();
                }
                if (task == null) {
                    if (!dry) {
                        dry = true;
                    }
                    if (++idle > SPINS_BEFORE_NAP) {
                        LockSupport.parkNanos(NAP_NANOS);
                    } else {
                        Thread.onSpinWait();
                    }
                    continue;
                }
                idle = 0;
                if (dry) {
                    dry = false;
                }
                task.run();
            }
        }
    }
}
