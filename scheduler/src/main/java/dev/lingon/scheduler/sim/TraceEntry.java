package dev.lingon.scheduler.sim;

/**
 * One message delivery in a simulation: when (virtual nanoseconds and driver step), in which domain,
 * to which actor, and the class of the message. The sequence of these is the run's trace.
 */
public record TraceEntry(long step, long atNanos, String domain, String actorPath, String messageClass) {
    @Override
    public String toString() {
        return step + " @" + atNanos + " " + domain + " " + actorPath + " <- " + messageClass;
    }
}
