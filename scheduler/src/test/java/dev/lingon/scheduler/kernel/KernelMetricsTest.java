package dev.lingon.scheduler.kernel;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.scheduler.api.KernelConfig;
import dev.lingon.scheduler.api.Lane;
import dev.lingon.scheduler.api.SchedulerMetrics;
import dev.lingon.scheduler.api.VcpuMetrics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The counters a kernel keeps, and what they say after known work. */
class KernelMetricsTest {

    @Test
    void slicesBlocksAndWakeupsAreCounted() throws Exception {
        try (KernelTestSupport k = new KernelTestSupport("metrics", KernelConfig.vcpus(2).withSpinNanos(0))) {
            // Let both vCPUs go to sleep, then hand them work from the host one task at a time.
            await().atMost(Duration.ofSeconds(10)).until(() -> k.kernel.metrics().vcpus().stream().allMatch(v -> v.blocks() >= 1));
            for (int i = 0; i < 50; i++) {
                CountDownLatch done = new CountDownLatch(1);
                k.kernel.executor(Lane.APP).execute(done::countDown);
                assertTrue(done.await(10, TimeUnit.SECONDS));
            }
            SchedulerMetrics m = k.kernel.metrics();
            assertEquals("metrics", m.domain());
            assertEquals(2, m.vcpus().size());
            assertTrue(m.slices() >= 50, m.toString());
            long wakeups = m.vcpus().stream().mapToLong(VcpuMetrics::wakeups).sum();
            assertTrue(wakeups >= 1, "host submissions woke sleeping vCPUs: " + m);
            for (VcpuMetrics v : m.vcpus()) {
                assertTrue(v.idleNanos() > 0, "vCPU " + v.vcpu() + " was idle at some point");
                assertTrue(v.busyNanos() >= 0);
            }
            assertTrue(m.utilisation() >= 0 && m.utilisation() <= 1);
            assertEquals(0, m.runQueueLength());
        }
    }

    @Test
    void anIdleVcpuStealsFromABusyOne() throws Exception {
        try (KernelTestSupport k = new KernelTestSupport("steal", KernelConfig.vcpus(2).withSpinNanos(0))) {
            // A task on vCPU-local work queues more local work while it holds its vCPU; the other vCPU steals it.
            CountDownLatch stolen = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            k.kernel.executor(Lane.APP).execute(() -> {
                var app = k.kernel.executor(Lane.APP);
                app.execute(() -> { });
                app.execute(stolen::countDown);
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(stolen.await(10, TimeUnit.SECONDS), "queued work did not wait for the busy vCPU");
            hold.countDown();
            assertTrue(k.kernel.metrics().steals() >= 1, k.kernel.metrics().toString());
        }
    }

    @Test
    void aLoneTaskBehindAStuckSliceIsTakenByAnIdleVcpu() throws Exception {
        try (KernelTestSupport k = new KernelTestSupport("rescue", KernelConfig.vcpus(2))) {
            // The slice creates one task (which the vCPU would run next) and then does not return:
            // the other vCPU must not leave that task waiting behind it.
            CountDownLatch ran = new CountDownLatch(1);
            CountDownLatch hold = new CountDownLatch(1);
            k.kernel.executor(Lane.APP).execute(() -> {
                k.kernel.executor(Lane.APP).execute(ran::countDown);
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the task waited for the stuck slice");
            hold.countDown();
        }
    }
}
