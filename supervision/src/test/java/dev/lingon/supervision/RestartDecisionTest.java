package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.AutoShutdown;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.RestartDecision;
import dev.lingon.supervision.api.RestartDecision.Action;
import dev.lingon.supervision.api.RestartPolicy;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.Strategy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** supervisor.erl's decisions as pure functions: restart type × exit reason, clean shutdowns, auto_shutdown. */
class RestartDecisionTest {

    static final List<ExitReason> NORMAL_LIKE = List.of(ExitReason.normal(), ExitReason.shutdown(),
            ExitReason.shutdown("term"));
    static final List<ExitReason> ABNORMAL = List.of(ExitReason.killed(), ExitReason.kill(), ExitReason.noproc(),
            ExitReason.error(new IllegalStateException("x")), ExitReason.error("term"));

    static Stream<Arguments> table() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (ExitReason r : NORMAL_LIKE) {
            rows.add(Arguments.of(RestartType.PERMANENT, r, new RestartDecision(Action.RESTART, true)));
            rows.add(Arguments.of(RestartType.TRANSIENT, r, new RestartDecision(Action.KEEP, false)));
            rows.add(Arguments.of(RestartType.TEMPORARY, r, new RestartDecision(Action.DELETE, false)));
        }
        for (ExitReason r : ABNORMAL) {
            rows.add(Arguments.of(RestartType.PERMANENT, r, new RestartDecision(Action.RESTART, true)));
            rows.add(Arguments.of(RestartType.TRANSIENT, r, new RestartDecision(Action.RESTART, true)));
            rows.add(Arguments.of(RestartType.TEMPORARY, r, new RestartDecision(Action.DELETE, true)));
        }
        return rows.build();
    }

    @ParameterizedTest(name = "{0} after {1}")
    @MethodSource("table")
    void restartTypeTimesExitReason(RestartType type, ExitReason reason, RestartDecision expected) {
        assertEquals(expected, RestartPolicy.decide(type, reason));
    }

    @Test
    void abnormalIsEverythingButNormalShutdownAndShutdownTerm() {
        NORMAL_LIKE.forEach(r -> assertFalse(r.isAbnormal(), r.toString()));
        ABNORMAL.forEach(r -> assertTrue(r.isAbnormal(), r.toString()));
    }

    @Test
    void cleanShutdownReasons() {
        Shutdown timeout = Shutdown.millis(5000);
        for (RestartType type : RestartType.values()) {
            assertTrue(RestartPolicy.isCleanShutdown(type, timeout, ExitReason.shutdown()));
            assertTrue(RestartPolicy.isCleanShutdown(type, Shutdown.infinity(), ExitReason.shutdown()));
            assertTrue(RestartPolicy.isCleanShutdown(type, Shutdown.brutalKill(), ExitReason.killed()));
            assertFalse(RestartPolicy.isCleanShutdown(type, timeout, ExitReason.killed()), "killed at the timeout");
            assertFalse(RestartPolicy.isCleanShutdown(type, timeout, ExitReason.error("x")));
            assertFalse(RestartPolicy.isCleanShutdown(type, Shutdown.brutalKill(), ExitReason.error("x")));
            boolean permanent = type == RestartType.PERMANENT;
            for (ExitReason byItself : List.of(ExitReason.normal(), ExitReason.shutdown("t"))) {
                assertEquals(!permanent, RestartPolicy.isCleanShutdown(type, timeout, byItself), type + " " + byItself);
                assertEquals(!permanent, RestartPolicy.isCleanShutdown(type, Shutdown.brutalKill(), byItself));
            }
            assertEquals(!permanent, RestartPolicy.isCleanShutdown(type, Shutdown.brutalKill(), ExitReason.shutdown()));
        }
    }

    @Test
    void autoShutdown() {
        for (boolean remain : new boolean[] {true, false}) {
            assertFalse(RestartPolicy.autoShutdown(AutoShutdown.NEVER, true, remain));
            assertFalse(RestartPolicy.autoShutdown(AutoShutdown.ANY_SIGNIFICANT, false, remain));
            assertFalse(RestartPolicy.autoShutdown(AutoShutdown.ALL_SIGNIFICANT, false, remain));
            assertTrue(RestartPolicy.autoShutdown(AutoShutdown.ANY_SIGNIFICANT, true, remain));
        }
        assertTrue(RestartPolicy.autoShutdown(AutoShutdown.ALL_SIGNIFICANT, true, false));
        assertFalse(RestartPolicy.autoShutdown(AutoShutdown.ALL_SIGNIFICANT, true, true));
    }

    @Test
    void affectedChildren() {
        List<String> ids = List.of("a", "b", "c", "d");
        assertEquals(List.of("b"), RestartPolicy.affectedChildren(Strategy.ONE_FOR_ONE, ids, "b"));
        assertEquals(List.of("b"), RestartPolicy.affectedChildren(Strategy.SIMPLE_ONE_FOR_ONE, ids, "b"));
        assertEquals(ids, RestartPolicy.affectedChildren(Strategy.ONE_FOR_ALL, ids, "b"));
        assertEquals(List.of("b", "c", "d"), RestartPolicy.affectedChildren(Strategy.REST_FOR_ONE, ids, "b"));
        assertEquals(List.of("d"), RestartPolicy.affectedChildren(Strategy.REST_FOR_ONE, ids, "d"));
        assertThrows(IllegalArgumentException.class, () -> RestartPolicy.affectedChildren(Strategy.ONE_FOR_ONE, ids, "x"));
    }
}
