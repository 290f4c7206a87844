package dev.lingon.kernel.devices;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lingon.kernel.dom0.console.ConsoleDaemon;
import dev.lingon.kernel.dom0.console.ConsoleLog;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.ShutdownReason;

import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The three devices as a kernel boot would start them (console, store, control, then the
 * application), with dom0's console daemon following the domain's log.
 */
class DevicesTogetherTest {
    private static final Logger appLog = LoggerFactory.getLogger("dev.lingon.test.service");

    @Test
    void aDomainLogsThroughItsConsoleUsesTheStoreAndPowersOffOnRequest() {
        try (Hypervisor hv = Hypervisors.inProcess(); ConsoleDaemon daemon = ConsoleDaemon.start(hv.dom0())) {
            ConsoleAppender.attachToRoot();
            TestDomain dom = TestDomain.boot(hv, "svc");
            try {
                ConsoleDevice console = ConsoleDevice.start(dom);
                StoreDevice store = StoreDevice.start(dom);
                ControlDevice control = ControlDevice.start(dom);
                dom.startDevices(console, store, control);
                ConsoleLog log = daemon.attach(dom.domid()).orThrow();
                List<String> followed = Collections.synchronizedList(new ArrayList<>());
                daemon.subscribe(dom.domid(), true, followed::add);

                dom.startApplication(SupervisorSpec.builder()
                        .child(ChildSpec.worker("service", () -> Behaviors.setup(ctx -> {
                            appLog.warn("service up");
                            dom.store().orElseThrow().write("data/service", "up");
                            return Behaviors.receive(Object.class)
                                    .onSignal(PostStop.class, s -> {
                                        appLog.warn("service down");
                                        return Behaviors.same();
                                    })
                                    .build();
                        })))
                        .build());
                eventually().until(() -> followed.stream().anyMatch(l -> l.endsWith("service up")));
                eventually().until(() -> hv.dom0().store().read("/local/domain/" + dom.domid() + "/data/service").equals(Result.ok("up")));

                hv.dom0().store().write("/local/domain/" + dom.domid() + "/control/shutdown", "poweroff").orThrow();
                eventually().until(() -> hv.info(dom.handle()).orElseThrow().state() == DomainState.SHUTDOWN);
                assertEquals(ShutdownReason.POWEROFF, hv.info(dom.handle()).orElseThrow().shutdownReason());
                eventually().until(() -> log.lines().stream().anyMatch(l -> l.endsWith("service down")));
                assertEquals(0, console.dropped());
            } finally {
                dom.close();
                ConsoleAppender.detachFromRoot();
            }
        }
    }
}
