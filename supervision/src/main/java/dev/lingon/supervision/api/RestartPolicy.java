package dev.lingon.supervision.api;

import java.util.ArrayList;
import java.util.List;

/**
 * supervisor.erl's decisions as pure functions: the reference model that live supervisors follow and the
 * chaos suite compares them with. No state, no time, no effects; see also {@link IntensityWindow}.
 */
public final class RestartPolicy {

    private RestartPolicy() {
    }

    /**
     * {@code do_restart}: a permanent child is restarted whatever the reason (reported); a transient or
     * temporary child that exits with {@code normal}, {@code shutdown} or {@code {shutdown,_}} is not
     * restarted and not reported (transient keeps its spec, temporary loses it); after any other reason a
     * transient child is restarted and a temporary one deleted, both reported.
     */
    public static RestartDecision decide(RestartType restart, ExitReason reason) {
        return switch (restart) {
            case PERMANENT -> new RestartDecision(RestartDecision.Action.RESTART, true);
            case TRANSIENT -> reason.isAbnormal()
                    ? new RestartDecision(RestartDecision.Action.RESTART, true)
                    : new RestartDecision(RestartDecision.Action.KEEP, false);
            case TEMPORARY -> new RestartDecision(RestartDecision.Action.DELETE, reason.isAbnormal());
        };
    }

    /**
     * {@code shutdown/1}: whether the reason a child exited with, after the supervisor stopped it, is clean
     * (otherwise a {@code shutdown_error} is reported). {@code brutal_kill} expects {@code killed}, the other
     * shutdowns expect {@code shutdown}; a non-permanent child may also have exited with {@code normal},
     * {@code shutdown} or {@code {shutdown,_}} by itself.
     */
    public static boolean isCleanShutdown(RestartType restart, Shutdown shutdown, ExitReason reason) {
        boolean expected = shutdown instanceof Shutdown.BrutalKill
                ? reason instanceof ExitReason.Killed
                : reason instanceof ExitReason.Shutdown;
        if (expected) {
            return true;
        }
        return restart != RestartType.PERMANENT && !reason.isAbnormal();
    }

    /**
     * {@code do_auto_shutdown}, after a child exited by itself and was not restarted: never for a
     * non-significant child or under {@code never}; always under {@code any_significant}; under
     * {@code all_significant} when no other significant child still has a process (or is restarting).
     */
    public static boolean autoShutdown(AutoShutdown autoShutdown, boolean childSignificant,
                                       boolean significantChildrenRemain) {
        if (autoShutdown == AutoShutdown.NEVER || !childSignificant) {
            return false;
        }
        return switch (autoShutdown) {
            case NEVER -> false;
            case ANY_SIGNIFICANT -> true;
            case ALL_SIGNIFICANT -> !significantChildrenRemain;
        };
    }

    /**
     * The children a restart of {@code failed} affects, in start order: itself for one_for_one and
     * simple_one_for_one, all for one_for_all, itself and those started after it for rest_for_one. They are
     * stopped in the reverse of this order (temporary ones are then dropped) and started again in it.
     */
    public static List<String> affectedChildren(Strategy strategy, List<String> startOrder, String failed) {
        int index = startOrder.indexOf(failed);
        if (index < 0) {
            throw new IllegalArgumentException("no child " + failed + " in " + startOrder);
        }
        return switch (strategy) {
            case ONE_FOR_ONE, SIMPLE_ONE_FOR_ONE -> List.of(failed);
            case ONE_FOR_ALL -> List.copyOf(startOrder);
            case REST_FOR_ONE -> List.copyOf(new ArrayList<>(startOrder.subList(index, startOrder.size())));
        };
    }
}
