package dev.lingon.bench.actors;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Spawn: {@code actors} idle actors (they never receive a message), alive until the system
 * terminates, spawned by {@code parents} spawner actors that the guardian starts, each spawning its
 * share of the actors as its children in its set-up.
 *
 * <p>By default it runs twice, as the Erlang side does. One parent is the plain case of one actor
 * spawning a million; in Pekko that figure is dominated by the parent's children container, an
 * immutable sorted map with a lookup and an update per spawn that grow with log n, and the dispatcher
 * has little to do with it. With 1000 parents the maps stay small and the spawners run concurrently,
 * which shows the runtime's own cost per actor and how the scheduler spreads the spawning.
 *
 * <p>Reported:
 * <ul>
 *   <li>spawn time per actor: from the harness asking the guardian to spawn until every actor has run
 *       its set-up (each counts down a latch there), divided by the count; so it includes starting
 *       the actor on its dispatcher, not only the {@code spawn} call;</li>
 *   <li>heap bytes per idle actor: heap in use after a full GC with the actors alive, minus the same
 *       before spawning (system started, guardian idle), divided by the count. It is everything the
 *       runtime keeps per actor: cell, mailbox, reference and path, behavior, the parent's child
 *       entry, and the spawners, one per parent. See {@link #usedHeapAfterGc()} for the method.</li>
 * </ul>
 */
final class SpawnScenario implements Scenario {

    private static final List<Metric> METRICS = List.of(
            Metric.lowerIsBetter("spawn", "us/actor"),
            Metric.lowerIsBetter("heap", "bytes/actor"));

    private final int actors;
    private final int parents;

    SpawnScenario(int actors, int parents) {
        if (actors < 1 || parents < 1 || parents > actors) {
            throw new IllegalArgumentException("spawn needs 1 <= parents <= actors");
        }
        this.actors = actors;
        this.parents = parents;
    }

    @Override
    public String name() {
        return "spawn";
    }

    @Override
    public String parameters() {
        return parents == 1 ? "actors=" + actors : "actors=" + actors + " parents=" + parents;
    }

    @Override
    public List<Metric> metrics() {
        return METRICS;
    }

    @Override
    public double[] run(ActorSystem<Guardian.Command> system) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(actors);
        // One behavior value for all: its set-up runs per actor, and an idle actor needs no state.
        Behavior<Void> idle = Behaviors.setup(context -> {
            started.countDown();
            return Behaviors.ignore();
        });
        long heapBefore = usedHeapAfterGc();

        long start = System.nanoTime();
        Waits.await(Guardian.call(system, context -> {
            for (int p = 0; p < parents; p++) {
                // The first actors % parents spawners take one more, so the shares add up exactly.
                int share = actors / parents + (p < actors % parents ? 1 : 0);
                context.spawnAnonymous(spawner(share, idle));
            }
            return parents;
        }), "spawning the spawners");
        Waits.await(started, "idle actors starting");
        long elapsed = System.nanoTime() - start;

        long heapAfter = usedHeapAfterGc();
        return new double[] {elapsed / 1e3 / actors, (double) (heapAfter - heapBefore) / actors};
    }

    /** Spawns {@code count} children running {@code child} in its set-up, then stays idle. */
    private static Behavior<Void> spawner(int count, Behavior<Void> child) {
        return Behaviors.setup(context -> {
            for (int i = 0; i < count; i++) {
                context.spawnAnonymous(child);
            }
            return Behaviors.ignore();
        });
    }

    /**
     * Heap in use after a full collection. {@link MemoryMXBean#gc()} is {@code System.gc()}, a full
     * stop-the-world collection under G1 and Parallel (so do not run this with
     * {@code -XX:+DisableExplicitGC} or {@code -XX:+ExplicitGCInvokesConcurrent}). It runs twice:
     * objects freed only after reference processing of the first collection are gone after the
     * second. Little allocation happens between the collection and the reading: the actors are idle
     * and the harness thread is here.
     */
    static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
