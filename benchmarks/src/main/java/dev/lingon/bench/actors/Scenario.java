package dev.lingon.bench.actors;

import org.apache.pekko.actor.typed.ActorSystem;

import java.util.List;

/**
 * One whole-system benchmark at one size, e.g. the ring with n=1000 and m=1000. A scenario runs on a
 * fresh actor system that the harness created and will terminate; it measures only the part its
 * metrics name (never the system's start or termination) and waits with latches and futures.
 */
interface Scenario {

    /** The benchmark family, e.g. {@code ring}; what {@code --scenarios} selects. */
    String name();

    /** The size, e.g. {@code n=1000 m=1000}; the same text the Erlang side prints, no commas. */
    String parameters();

    /** The figures {@link #run} returns, in the same order. */
    List<Metric> metrics();

    /**
     * Runs once on {@code system}, whose guardian is {@link Guardian}, and returns one value per
     * metric. The system is idle when this is called and may be left in any state.
     */
    double[] run(ActorSystem<Guardian.Command> system) throws InterruptedException;
}
