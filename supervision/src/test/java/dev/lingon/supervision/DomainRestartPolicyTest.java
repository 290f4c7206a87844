package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.IntensityWindow;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainDecision;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;
import dev.lingon.supervision.api.domain.DomainRestartTracker;
import dev.lingon.supervision.api.domain.DomainShutdownReason;
import dev.lingon.supervision.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pure model of Xen's on_* domain actions, plus the per-domain restart intensity. */
class DomainRestartPolicyTest {

    @Test
    void xenDefaults() {
        DomainRestartPolicy p = DomainRestartPolicy.defaults();
        assertEquals(Optional.of(DomainAction.DESTROY), p.actionFor(DomainShutdownReason.POWEROFF));
        assertEquals(Optional.of(DomainAction.RESTART), p.actionFor(DomainShutdownReason.REBOOT));
        assertEquals(Optional.of(DomainAction.DESTROY), p.actionFor(DomainShutdownReason.WATCHDOG));
        assertEquals(Optional.of(DomainAction.DESTROY), p.actionFor(DomainShutdownReason.CRASH));
        assertEquals(Optional.of(DomainAction.SOFT_RESET), p.actionFor(DomainShutdownReason.SOFT_RESET));
        assertEquals(Optional.empty(), p.actionFor(DomainShutdownReason.SUSPEND));
        assertEquals(1, p.intensity());
        assertEquals(Duration.ofSeconds(5), p.period());
    }

    @Test
    void shutdownCodesAreXens() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5),
                List.of(DomainShutdownReason.values()).stream().map(DomainShutdownReason::code).toList());
        assertEquals(DomainShutdownReason.WATCHDOG, DomainShutdownReason.fromCode(4));
        assertThrows(IllegalArgumentException.class, () -> DomainShutdownReason.fromCode(6));
    }

    @Test
    void actionsHaveTheirXlNamesAndMeanings() {
        assertEquals(DomainAction.RENAME_RESTART, DomainAction.parse("rename-restart"));
        assertEquals(DomainAction.COREDUMP_DESTROY, DomainAction.parse("coredump_destroy"));
        assertThrows(IllegalArgumentException.class, () -> DomainAction.parse("reboot"));
        for (DomainAction a : DomainAction.values()) {
            assertEquals(a, DomainAction.parse(a.xlName()));
        }
        assertTrue(DomainAction.RESTART.startsNewDomain());
        assertTrue(DomainAction.RENAME_RESTART.startsNewDomain() && DomainAction.RENAME_RESTART.keepsOldDomain());
        assertTrue(DomainAction.COREDUMP_RESTART.startsNewDomain() && DomainAction.COREDUMP_RESTART.dumpsCore());
        assertTrue(DomainAction.PRESERVE.keepsOldDomain() && !DomainAction.PRESERVE.startsNewDomain());
        assertTrue(DomainAction.COREDUMP_DESTROY.dumpsCore() && !DomainAction.COREDUMP_DESTROY.startsNewDomain());
        assertFalse(DomainAction.DESTROY.startsNewDomain() || DomainAction.DESTROY.keepsOldDomain());
        assertFalse(DomainAction.SOFT_RESET.startsNewDomain());
    }

    @ParameterizedTest
    @EnumSource(DomainAction.class)
    void eachConfiguredActionIsApplied(DomainAction action) {
        DomainRestartPolicy p = DomainRestartPolicy.defaults().withOnCrash(action).withOnPoweroff(action)
                .withOnReboot(action).withOnWatchdog(action).withOnSoftReset(action);
        for (DomainShutdownReason reason : DomainShutdownReason.values()) {
            DomainDecision d = p.decide(reason, p.newWindow(), 0);
            if (reason == DomainShutdownReason.SUSPEND) {
                assertInstanceOf(DomainDecision.Suspended.class, d);
            } else {
                assertEquals(new DomainDecision.Apply(reason, action, d.window()), d);
            }
        }
    }

    @Test
    void aCrashLoopingDomainIsLeftCrashedOnePastTheIntensity() {
        DomainRestartPolicy p = DomainRestartPolicy.defaults().withOnCrash(DomainAction.COREDUMP_RESTART)
                .withIntensity(2, Duration.ofSeconds(10));
        IntensityWindow w = p.newWindow();

        DomainDecision first = p.decide(DomainShutdownReason.CRASH, w, 100);
        assertEquals(DomainAction.COREDUMP_RESTART, assertInstanceOf(DomainDecision.Apply.class, first).action());
        DomainDecision second = p.decide(DomainShutdownReason.CRASH, first.window(), 105);
        assertInstanceOf(DomainDecision.Apply.class, second);
        DomainDecision third = p.decide(DomainShutdownReason.CRASH, second.window(), 110);
        DomainDecision.LeaveCrashed left = assertInstanceOf(DomainDecision.LeaveCrashed.class, third);
        assertEquals(DomainAction.COREDUMP_RESTART, left.refused());
        assertTrue(left.dumpsCore());
        assertEquals(List.of(110L, 105L, 100L), left.window().restarts(), "100 >= 110 - 10: the boundary counts");

        DomainDecision later = p.decide(DomainShutdownReason.CRASH, second.window(), 111);
        assertInstanceOf(DomainDecision.Apply.class, later, "one second past the window, 100 no longer counts");
        assertEquals(List.of(111L, 105L), later.window().restarts());
    }

    @Test
    void watchdogRestartsCountTooButRebootsDoNot() {
        DomainRestartPolicy p = DomainRestartPolicy.defaults().withOnWatchdog(DomainAction.RESTART)
                .withIntensity(0, Duration.ofSeconds(5));
        assertInstanceOf(DomainDecision.LeaveCrashed.class, p.decide(DomainShutdownReason.WATCHDOG, p.newWindow(), 0),
                "intensity 0: the first abnormal restart is already too many");

        IntensityWindow w = p.newWindow();
        for (int i = 0; i < 10; i++) {
            DomainDecision d = p.decide(DomainShutdownReason.REBOOT, w, 0);
            assertEquals(DomainAction.RESTART, assertInstanceOf(DomainDecision.Apply.class, d).action());
            w = d.window();
        }
        assertEquals(List.of(), w.restarts(), "a reboot the guest asked for is not a crash loop");
    }

    @Test
    void nonRestartingActionsDoNotCount() {
        DomainRestartPolicy p = DomainRestartPolicy.defaults().withIntensity(0, Duration.ofSeconds(5));
        DomainDecision d = p.decide(DomainShutdownReason.CRASH, p.newWindow(), 0);
        assertEquals(new DomainDecision.Apply(DomainShutdownReason.CRASH, DomainAction.DESTROY, p.newWindow()), d);
    }

    @Test
    void invalidIntensityOrPeriodIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> DomainRestartPolicy.defaults().withIntensity(-1, Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> DomainRestartPolicy.defaults().withIntensity(1, Duration.ofMillis(1500)));
        assertThrows(IllegalArgumentException.class, () -> DomainRestartPolicy.defaults().withIntensity(1, Duration.ZERO));
    }

    @Test
    void trackerKeepsTheWindowAcrossRestartsOnItsClock() {
        ManualClock clock = new ManualClock();
        DomainRestartTracker tracker = new DomainRestartTracker("web-1",
                DomainRestartPolicy.defaults().withOnCrash(DomainAction.RESTART), clock);

        assertInstanceOf(DomainDecision.Apply.class, tracker.onShutdown(DomainShutdownReason.CRASH));
        clock.advance(Duration.ofSeconds(6));
        assertInstanceOf(DomainDecision.Apply.class, tracker.onShutdown(DomainShutdownReason.CRASH));
        clock.advance(Duration.ofSeconds(5));
        DomainDecision.LeaveCrashed left = assertInstanceOf(DomainDecision.LeaveCrashed.class,
                tracker.onShutdown(DomainShutdownReason.CRASH));
        assertEquals(List.of(11L, 6L), left.window().restarts());
        assertEquals(left.window(), tracker.window());
        assertInstanceOf(DomainDecision.Suspended.class, tracker.onShutdown(DomainShutdownReason.SUSPEND));
    }
}
