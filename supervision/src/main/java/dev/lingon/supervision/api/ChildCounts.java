package dev.lingon.supervision.api;

/**
 * {@code count_children}: specs (all child specs, dead or alive; 1 for simple_one_for_one), active (running
 * child processes), supervisors and workers (children of each type, alive or not).
 *
 * <p>Immutable; safe to share between threads.
 */
public record ChildCounts(int specs, int active, int supervisors, int workers) {
}
