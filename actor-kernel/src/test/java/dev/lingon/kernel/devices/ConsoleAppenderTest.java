package dev.lingon.kernel.devices;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.kernel.api.Console;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;

import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Log events on a domain's vCPU threads reach that domain's console ring; others do not. */
class ConsoleAppenderTest {
    private static final Logger appLog = LoggerFactory.getLogger("dev.lingon.test.app");

    private Hypervisor hv;
    private TestDomain dom;

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        dom = TestDomain.boot(hv, "web-1");
        ConsoleAppender.attachToRoot();
    }

    @AfterEach
    void shutdown() {
        ConsoleAppender.detachFromRoot();
        dom.close();
        hv.close();
    }

    @Test
    void theDomainIsTakenFromTheVcpuThreadName() {
        assertEquals("web-1", ConsoleAppender.domainOfThread("lingon-web-1-vcpu0"));
        assertEquals("a-vcpu-b", ConsoleAppender.domainOfThread("lingon-a-vcpu-b-vcpu12"));
        assertNull(ConsoleAppender.domainOfThread("lingon-web-1-vcpu"));
        assertNull(ConsoleAppender.domainOfThread("lingon-web-1-vcpux"));
        assertNull(ConsoleAppender.domainOfThread("lingon--vcpu0"));
        assertNull(ConsoleAppender.domainOfThread("lingon-dom0-xenconsoled"));
        assertNull(ConsoleAppender.domainOfThread("main"));
        assertNull(ConsoleAppender.domainOfThread(null));
    }

    @Test
    void logEventsOnTheDomainsVcpusBecomeConsoleLines() {
        ConsoleDevice c = dom.track(ConsoleDevice.start(dom));
        assertSame(c, ConsoleAppender.consoleOf("web-1").orElseThrow());
        try (Dom0Ring ring = Dom0Ring.attach(hv.dom0(), dom.domid(), c.port())) {
            appLog.warn("from the test thread");
            dom.typedSystem().systemActorOf(Behaviors.setup(ctx -> {
                appLog.warn("hello {} from {}", 42, Thread.currentThread().getName());
                return Behaviors.empty();
            }), "logs", Props.empty());
            eventually().until(() -> ring.unread().contains("hello 42 from lingon-web-1-vcpu0"));
            String text = ring.unread();
            assertTrue(text.contains("WARN  dev.lingon.test.app - hello 42"), text);
            assertTrue(text.endsWith("\n"), "each event is one line");
            assertFalse(text.contains("from the test thread"), "other threads are not the domain's");
        }
    }

    @Test
    void closingTheConsoleRemovesItsRoute() {
        ConsoleDevice c = ConsoleDevice.start(dom);
        c.close();
        assertTrue(ConsoleAppender.consoleOf("web-1").isEmpty());
        Console other = new Console() {
            @Override
            public void println(String line) {
            }

            @Override
            public long dropped() {
                return 0;
            }
        };
        ConsoleAppender.register("web-1", other);
        assertFalse(ConsoleAppender.unregister("web-1", c), "a route to another console stays");
        assertTrue(ConsoleAppender.unregister("web-1", other));
    }

    @Test
    void attachingTwiceGivesTheSameAppender() {
        assertSame(ConsoleAppender.attachToRoot(), ConsoleAppender.attachToRoot());
    }
}
