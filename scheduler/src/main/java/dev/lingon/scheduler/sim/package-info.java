/**
 * Deterministic simulation of Lingon domains on one thread under virtual time; see
 * {@link dev.lingon.scheduler.sim.Simulation}. Used from tests, and the ground the chaos suite stands on.
 */
package dev.lingon.scheduler.sim;
