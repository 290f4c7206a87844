package dev.lingon.kernel.devices;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.ShutdownReason;

import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** The control device: each shutdown request stops the application first, then the domain. */
class ControlDeviceTest {

    private Hypervisor hv;
    private TestDomain dom;
    private ControlDevice control;
    private String node;
    private Consumer<DomainInfo> shutdownRecorder;

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        dom = TestDomain.boot(hv, "ctl");
        node = "/local/domain/" + dom.domid() + "/control/shutdown";
        AtomicBoolean recorded = new AtomicBoolean();
        shutdownRecorder = info -> {
            if (info.domid() == dom.domid() && !info.state().isLive() && info.shutdownReason() != null
                    && recorded.compareAndSet(false, true)) {
                dom.record("shutdown " + info.shutdownReason().xlName());
            }
        };
        hv.addDomainListener(shutdownRecorder);
        dom.startApplication(SupervisorSpec.builder().child(recorder("a")).child(recorder("b")).build());
        control = ControlDevice.start(dom);
        dom.startDevices(control);
    }

    @AfterEach
    void shutdown() {
        hv.removeDomainListener(shutdownRecorder);
        dom.close();
        hv.close();
    }

    /** An application child that records its stop. */
    private ChildSpec recorder(String id) {
        return ChildSpec.worker(id, () -> Behaviors.receive(Object.class)
                .onSignal(PostStop.class, s -> {
                    dom.record("stopped " + id);
                    return Behaviors.same();
                })
                .build());
    }

    private DomainInfo info() {
        return hv.info(dom.handle()).orElseThrow();
    }

    private void request(String value) {
        hv.dom0().store().write(node, value).orThrow();
    }

    @ParameterizedTest
    @CsvSource({"poweroff, POWEROFF", "halt, POWEROFF", "reboot, REBOOT", "suspend, SUSPEND"})
    void aRequestStopsTheApplicationInReverseOrderThenShutsTheDomainDown(String value, ShutdownReason reason) {
        request(value);
        eventually().until(() -> dom.journal().size() == 5);
        assertEquals(List.of("stopApplication", "stopped b", "stopped a", "application stopped", "shutdown " + reason.xlName()),
                dom.journal());
        assertEquals(DomainState.SHUTDOWN, info().state());
        assertEquals(reason, info().shutdownReason());
        assertEquals(Result.ok(""), hv.dom0().store().read(node), "acknowledged as Linux does");
        assertEquals(Optional.of(reason), control.requested());
    }

    @Test
    void emptyAndUnknownValuesAreLeftAlone() {
        request("bogus");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> info().state().isLive() && hv.dom0().store().read(node).equals(Result.ok("bogus")));
        request("");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> info().state().isLive());
        assertEquals(List.of(), dom.journal());
        assertEquals(Optional.empty(), control.requested());

        request("reboot");
        eventually().until(() -> dom.journal().size() == 5);
        assertEquals(ShutdownReason.REBOOT, info().shutdownReason());
        assertEquals(1, dom.journal().stream().filter("stopApplication"::equals).count());
    }

    @Test
    void aRestartedControlWorkerStillHearsRequests() {
        dom.restartDevice(ControlDevice.CHILD_ID);
        dom.restartDevice(ControlDevice.CHILD_ID);
        request("poweroff");
        eventually().until(() -> dom.journal().size() == 5);
        assertEquals(ShutdownReason.POWEROFF, info().shutdownReason());
        assertTrue(dom.journal().indexOf("application stopped") < dom.journal().indexOf("shutdown poweroff"));
    }

    @Test
    void valuesMapToReasonsAsInLinux() {
        assertEquals(Optional.of(ShutdownReason.POWEROFF), ControlDevice.reasonOf("poweroff"));
        assertEquals(Optional.of(ShutdownReason.POWEROFF), ControlDevice.reasonOf("halt"));
        assertEquals(Optional.of(ShutdownReason.REBOOT), ControlDevice.reasonOf("reboot"));
        assertEquals(Optional.of(ShutdownReason.SUSPEND), ControlDevice.reasonOf("suspend"));
        assertEquals(Optional.empty(), ControlDevice.reasonOf("crash"));
        assertEquals(Optional.empty(), ControlDevice.reasonOf(""));
        assertEquals(Optional.empty(), ControlDevice.reasonOf("Poweroff"));
    }
}
