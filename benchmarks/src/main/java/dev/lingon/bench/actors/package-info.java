/**
 * Whole-system actor benchmarks: what an application of many actors sees of a runtime, measured
 * side by side on several runtimes in the same JVM run, and compared with Erlang/BEAM on the same
 * machine ({@code benchmarks/erlang/actors.escript}, same scenarios, sizes, units and CSV columns).
 * These are actor-system-level figures taken over whole runs, not JMH microbenchmarks.
 *
 * <h2>Scenarios</h2>
 * <ul>
 *   <li>{@link dev.lingon.bench.actors.PingPongScenario ping-pong}: 1 and 8 pairs exchanging one
 *       message at a time; messages/s over all pairs.</li>
 *   <li>{@link dev.lingon.bench.actors.RingScenario ring}: n=1000 actors with the token going
 *       m=1000 times around, and n=100000, m=10; hops/s, and the ring's creation time in ms.</li>
 *   <li>{@link dev.lingon.bench.actors.FanInScenario fan-in}: 100 senders to 1 receiver;
 *       messages/s at the receiver.</li>
 *   <li>{@link dev.lingon.bench.actors.SpawnScenario spawn}: 1,000,000 idle actors, from one parent
 *       and spread over 1000; µs per actor to spawn and start, and heap bytes per idle actor.</li>
 * </ul>
 *
 * <h2>How runs are organised</h2>
 * A runtime is an {@link dev.lingon.bench.actors.ActorSystemFactory}: Pekko's default dispatcher is
 * built in, others are registered in {@link dev.lingon.bench.actors.ActorSystemFactories} or given
 * as configuration on the command line. For each scenario and size, every runtime does its warm-up
 * runs and then its measured runs, interleaved round by round with the order rotating, so that
 * noise from the machine falls on each runtime alike. Every run gets a fresh actor system (created
 * after a {@code System.gc()}), which is terminated and awaited before the next; system start and
 * termination are never inside a measured interval. Waiting is on latches and futures, never sleeps.
 * The summary per runtime is the median with min and max over the measured runs.
 *
 * <p>{@link dev.lingon.bench.actors.ActorBench} is the entry point, {@code benchmarks/run-actors}
 * the launcher that also runs the Erlang side and prints the combined comparison
 * ({@link dev.lingon.bench.actors.CompareResults}).
 *
 * <p>Everything here runs on the harness's main thread except the actors; the scenarios' latches
 * are the only state the two share.
 */
package dev.lingon.bench.actors;
