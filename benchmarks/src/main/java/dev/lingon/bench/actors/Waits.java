package dev.lingon.bench.actors;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking waits of the harness thread for actors to finish. A wait that outlasts {@link #LIMIT_SECONDS}
 * means a lost message or a stuck runtime: it fails the run loudly instead of hanging the benchmark.
 */
final class Waits {

    /** Far above any run at the default sizes (the slowest, spawning a million actors, takes seconds). */
    static final long LIMIT_SECONDS = 600;

    private Waits() {
    }

    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(LIMIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " did not finish within " + LIMIT_SECONDS
                    + " s (" + latch.getCount() + " still outstanding)");
        }
    }

    static <T> T await(CompletionStage<T> stage, String what) throws InterruptedException {
        try {
            return stage.toCompletableFuture().get(LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not finish within " + LIMIT_SECONDS + " s", e);
        }
    }
}
