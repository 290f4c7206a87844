package dev.lingon.scheduler.internal;

import dev.lingon.scheduler.api.Lane;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ExecutorService} Pekko sees for one lane of a kernel. Pekko shuts a dispatcher's executor
 * down when the dispatcher has been unused for its shutdown timeout and makes a new one when it is used
 * again; the kernel outlives both, so shutting this view down changes nothing for the kernel and the
 * view keeps accepting work that races with its shutdown.
 */
final class LaneExecutor extends AbstractExecutorService {
    private final VcpuKernel kernel;
    private final Lane lane;
    private volatile boolean shut;

    LaneExecutor(VcpuKernel kernel, Lane lane) {
        this.kernel = kernel;
        this.lane = lane;
    }

    @Override
    public void execute(Runnable command) {
        kernel.submit(command, lane);
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
}
