package dev.lingon.kernel.dom0.console;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.kernel.devices.ConsoleDevice;
import dev.lingon.kernel.devices.TestDomain;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.layout.ConsoleLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** dom0's console daemon reading real console devices of booted domains. */
class ConsoleDaemonTest {

    /** "line-00000": 11 bytes with its newline, so 186 lines fill the ring. */
    static final int RING_LINES = ConsoleLayout.OUT_SIZE / 11;

    static String line(int i) {
        return "line-%05d".formatted(i);
    }

    static List<String> lines(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(line(i));
        }
        return out;
    }

    private Hypervisor hv;
    private ConsoleDaemon daemon;
    private final List<TestDomain> domains = new ArrayList<>();

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        daemon = ConsoleDaemon.start(hv.dom0(), hv.dom0().vcpus() - 1, 5000);
    }

    @AfterEach
    void shutdown() {
        daemon.close();
        for (TestDomain d : domains) {
            d.close();
        }
        hv.close();
    }

    private TestDomain domain(String name) {
        TestDomain d = TestDomain.boot(hv, name);
        domains.add(d);
        return d;
    }

    private ConsoleDevice console(TestDomain d, int bufferLines) {
        ConsoleDevice c = ConsoleDevice.start(d, bufferLines);
        d.startDevices(c);
        return c;
    }

    @Test
    void linesWrittenInADomainAppearInDom0sLogInOrder() {
        TestDomain d = domain("web");
        ConsoleDevice c = console(d, 3000);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        for (int i = 0; i < 3000; i++) {
            c.println(line(i));
        }
        eventually().until(() -> log.appended() == 3000);
        assertEquals(lines(0, 3000), log.lines());
        assertEquals(0, c.dropped());
        assertEquals(0, log.evicted());
    }

    @Test
    void aFullRingDropsNothingUntilTheBufferBoundThenTheOldest() {
        TestDomain d = domain("slow");
        ConsoleDevice c = console(d, 8);
        for (int i = 0; i < RING_LINES + 8; i++) {
            c.println(line(i));
        }
        assertEquals(0, c.dropped(), "the ring is full and 8 lines wait: nothing dropped yet");
        for (int i = RING_LINES + 8; i < RING_LINES + 13; i++) {
            c.println(line(i));
        }
        assertEquals(5, c.dropped());

        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        List<String> expected = new ArrayList<>(lines(0, RING_LINES));
        expected.addAll(lines(RING_LINES + 5, RING_LINES + 13));
        eventually().until(() -> log.appended() == expected.size());
        assertEquals(expected, log.lines(), "the ring's lines, then the 8 newest of the buffer");
        assertEquals(0, c.bufferedLines());
    }

    @Test
    void followingReplaysTheLogThenGetsLaterLines() {
        TestDomain d = domain("chatty");
        ConsoleDevice c = console(d, 64);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        c.println("one");
        c.println("two");
        eventually().until(() -> log.appended() == 2);

        List<String> replayOnly = Collections.synchronizedList(new ArrayList<>());
        daemon.subscribe(d.domid(), false, replayOnly::add);
        assertEquals(List.of("one", "two"), replayOnly);

        List<String> followed = Collections.synchronizedList(new ArrayList<>());
        ConsoleLog.Subscription sub = daemon.subscribe(d.domid(), true, followed::add);
        assertEquals(List.of("one", "two"), List.copyOf(followed), "replayed before subscribe returned");
        c.println("three");
        eventually().until(() -> followed.size() == 3);
        assertEquals(List.of("one", "two", "three"), List.copyOf(followed));

        sub.close();
        c.println("four");
        eventually().until(() -> log.appended() == 4);
        assertEquals(List.of("one", "two", "three"), List.copyOf(followed), "a closed subscription gets nothing");
        assertEquals(List.of("one", "two"), List.copyOf(replayOnly));
    }

    @Test
    void aFollowerSeesEveryLineOnceWhileLinesKeepComing() {
        TestDomain d = domain("busy");
        ConsoleDevice c = console(d, 5000);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 2000; i++) {
                c.println(line(i));
            }
        });
        eventually().until(() -> log.appended() > 100);
        List<String> followed = Collections.synchronizedList(new ArrayList<>());
        daemon.subscribe(d.domid(), true, followed::add);
        eventually().until(() -> log.appended() == 2000 && followed.size() == 2000);
        assertEquals(lines(0, 2000), List.copyOf(followed));
        assertFalse(writer.isAlive());
    }

    @Test
    void detachReadsWhatIsLeftEndsTheLogAndReleasesTheRing() {
        TestDomain d = domain("leaving");
        ConsoleDevice c = console(d, 64);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        List<String> followed = Collections.synchronizedList(new ArrayList<>());
        ConsoleLog.Subscription sub = daemon.subscribe(d.domid(), true, followed::add);
        c.println("a");
        eventually().until(() -> followed.size() == 1);
        int mappingsBefore = hv.dom0().gnttab().activeMappings();

        c.println("b");
        assertEquals(log, daemon.detach(d.domid()).orElseThrow());
        assertEquals(List.of("a", "b"), log.lines(), "what was in the ring at detach was read");
        assertEquals(List.of("a", "b"), List.copyOf(followed));
        assertTrue(log.isEnded());
        assertTrue(sub.isClosed());
        assertEquals(List.of(), daemon.attached());
        assertThrows(IllegalArgumentException.class, () -> daemon.subscribe(d.domid(), true, followed::add));
        assertEquals(mappingsBefore - 1, hv.dom0().gnttab().activeMappings(), "the console page was unmapped");
        EvtchnStatus port = d.xen().evtchn().status(c.port()).orThrow();
        assertEquals(EvtchnState.UNBOUND, port.state(), "dom0 closed its end");
        assertEquals(DomId.DOM0, port.remoteDomid());

        c.println("c");
        assertEquals(List.of("a", "b"), List.copyOf(followed));
        assertEquals(List.of("a", "b"), log.lines());

        ConsoleLog again = daemon.attach(d.domid()).orThrow();
        eventually().until(() -> again.lines().equals(List.of("c")));
    }

    @Test
    void detachAfterTheDomainIsDestroyedStillReadsTheRingAndUnmapsIt() {
        TestDomain d = domain("doomed");
        ConsoleDevice c = console(d, 64);
        daemon.attach(d.domid()).orThrow();
        int mappingsBefore = hv.dom0().gnttab().activeMappings();
        c.println("last words");
        d.close();
        domains.remove(d);
        hv.destroy(d.handle()).orThrow("destroy");
        ConsoleLog log = daemon.detach(d.domid()).orElseThrow();
        assertEquals(List.of("last words"), log.lines());
        assertEquals(mappingsBefore - 1, hv.dom0().gnttab().activeMappings());
    }

    @Test
    void oneDaemonServesManyDomains() {
        TestDomain a = domain("a");
        TestDomain b = domain("b");
        ConsoleDevice ca = console(a, 1000);
        ConsoleDevice cb = console(b, 1000);
        ConsoleLog la = daemon.attach(a.domid()).orThrow();
        ConsoleLog lb = daemon.attach(b.domid()).orThrow();
        assertEquals(List.of(a.domid(), b.domid()), daemon.attached());
        for (int i = 0; i < 500; i++) {
            ca.println("a" + i);
            cb.println("b" + i);
        }
        eventually().until(() -> la.appended() == 500 && lb.appended() == 500);
        assertTrue(la.lines().stream().allMatch(l -> l.startsWith("a")));
        assertTrue(lb.lines().stream().allMatch(l -> l.startsWith("b")));
        assertEquals("a499", la.lines().getLast());
    }

    @Test
    void linesAreDecodedAsUtf8AndCutWhenTooLong() {
        TestDomain d = domain("text");
        ConsoleDevice c = console(d, 64);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        c.println("grüße ✓");
        c.println("crlf\r");
        c.println("z".repeat(ConsoleDaemon.MAX_LINE_BYTES + 10));
        eventually().until(() -> log.appended() == 4);
        assertEquals(List.of("grüße ✓", "crlf", "z".repeat(ConsoleDaemon.MAX_LINE_BYTES), "z".repeat(10)), log.lines());
    }

    @Test
    void attachAnswersErrorsAsValues() {
        assertEquals(Errno.ESRCH, daemon.attach(99).errno());
        TestDomain d = domain("quiet");
        assertEquals(Errno.ENOENT, daemon.attach(d.domid()).errno(), "no console device: nothing published");
        console(d, 8);
        assertTrue(daemon.attach(d.domid()).isOk());
        assertEquals(Errno.EEXIST, daemon.attach(d.domid()).errno());
        assertTrue(daemon.detach(42).isEmpty());
    }

    @Test
    void theLogKeepsTheLastLinesAndCountsTheEvicted() {
        TestDomain d = domain("verbose");
        ConsoleDevice c = console(d, 1000);
        try (ConsoleDaemon small = ConsoleDaemon.start(hv.dom0(), 2, 10)) {
            ConsoleLog log = small.attach(d.domid()).orThrow();
            for (int i = 0; i < 25; i++) {
                c.println(line(i));
            }
            eventually().until(() -> log.appended() == 25);
            assertEquals(lines(15, 25), log.lines());
            assertEquals(15, log.evicted());
        }
    }

    @Test
    void closeStopsTheDaemonAndDetachesEveryDomain() {
        TestDomain d = domain("last");
        console(d, 8);
        ConsoleLog log = daemon.attach(d.domid()).orThrow();
        daemon.close();
        assertTrue(log.isEnded());
        assertEquals(List.of(), daemon.attached());
        assertThrows(IllegalStateException.class, () -> daemon.attach(d.domid()));
        daemon.close();
    }

    @Test
    void misuseIsRefused() {
        TestDomain d = domain("guest");
        assertThrows(IllegalArgumentException.class, () -> ConsoleDaemon.start(d.xen()));
        assertThrows(IllegalArgumentException.class, () -> ConsoleDaemon.start(hv.dom0(), hv.dom0().vcpus(), 10));
        assertThrows(IllegalArgumentException.class, () -> ConsoleDaemon.start(hv.dom0(), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ConsoleLog(1, 0));
    }
}
