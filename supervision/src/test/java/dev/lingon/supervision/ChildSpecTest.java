package dev.lingon.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.AutoShutdown;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ChildType;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** Child specs and supervisor flags: OTP's defaults and check_childspec's rejections. */
class ChildSpecTest {

    private static ChildSpec.Builder child(String id) {
        return ChildSpec.builder(id).startBehavior(Behaviors::empty);
    }

    @Test
    void workerDefaults() {
        ChildSpec spec = ChildSpec.worker("w", Behaviors::empty);
        assertEquals("w", spec.id());
        assertEquals(RestartType.PERMANENT, spec.restart());
        assertEquals(ChildType.WORKER, spec.type());
        assertEquals(Shutdown.millis(5000), spec.shutdown());
        assertFalse(spec.significant());
    }

    @Test
    void supervisorDefaultsToShutdownInfinity() {
        ChildSpec spec = ChildSpec.supervisor("s", SupervisorSpec.builder().build());
        assertEquals(ChildType.SUPERVISOR, spec.type());
        assertEquals(Shutdown.infinity(), spec.shutdown());
        assertEquals(RestartType.PERMANENT, spec.restart());
        assertEquals(Shutdown.infinity(), child("s2").type(ChildType.SUPERVISOR).build().shutdown());
        assertEquals(Shutdown.brutalKill(),
                child("s3").type(ChildType.SUPERVISOR).shutdown(Shutdown.brutalKill()).build().shutdown());
    }

    @Test
    void explicitSettingsAreKept() {
        ChildSpec spec = child("t").restart(RestartType.TRANSIENT).shutdown(Shutdown.millis(10)).significant(true).build();
        assertEquals(RestartType.TRANSIENT, spec.restart());
        assertEquals(Shutdown.timeout(Duration.ofMillis(10)), spec.shutdown());
        assertTrue(spec.significant());
        assertEquals(spec, spec.toBuilder().build());
    }

    @Test
    void significantCannotBePermanent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> child("p").significant(true).build());
        assertTrue(e.getMessage().contains("bad_combination"), e.getMessage());
        child("t").restart(RestartType.TRANSIENT).significant(true).build();
        child("tmp").restart(RestartType.TEMPORARY).significant(true).build();
    }

    @Test
    void startIsMandatory() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChildSpec.builder("x").build());
        assertTrue(e.getMessage().contains("missing_start"), e.getMessage());
    }

    @Test
    void negativeShutdownTimeoutIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Shutdown.millis(-1));
    }

    @Test
    void supervisorFlagDefaults() {
        SupervisorSpec spec = SupervisorSpec.builder().build();
        assertEquals(Strategy.ONE_FOR_ONE, spec.strategy());
        assertEquals(1, spec.intensity());
        assertEquals(Duration.ofSeconds(5), spec.period());
        assertEquals(AutoShutdown.NEVER, spec.autoShutdown());
        assertTrue(spec.children().isEmpty());
    }

    @Test
    void significantChildNeedsAutoShutdown() {
        ChildSpec significant = child("s").restart(RestartType.TRANSIENT).significant(true).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SupervisorSpec.builder().child(significant).build());
        assertTrue(e.getMessage().contains("auto_shutdown"), e.getMessage());
        SupervisorSpec.builder().autoShutdown(AutoShutdown.ANY_SIGNIFICANT).child(significant).build();
        SupervisorSpec.builder().autoShutdown(AutoShutdown.ALL_SIGNIFICANT).child(significant).build();
    }

    @Test
    void invalidFlagsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SupervisorSpec.builder().intensity(-1).build());
        assertThrows(IllegalArgumentException.class, () -> SupervisorSpec.builder().period(Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> SupervisorSpec.builder().period(Duration.ofMillis(2500)).build());
        SupervisorSpec.builder().intensity(0).period(Duration.ofSeconds(1)).build();
    }

    @Test
    void duplicateChildIdsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SupervisorSpec.builder().child(child("a").build()).child(child("a").build()).build());
        assertTrue(e.getMessage().contains("duplicate_child_name"), e.getMessage());
    }

    @Test
    void simpleOneForOneHasExactlyOneChildSpec() {
        assertThrows(IllegalArgumentException.class,
                () -> SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE).build());
        assertThrows(IllegalArgumentException.class, () -> SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE)
                .child(child("a").build()).child(child("b").build()).build());
        SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE).child(child("a").build()).build();
    }
}
