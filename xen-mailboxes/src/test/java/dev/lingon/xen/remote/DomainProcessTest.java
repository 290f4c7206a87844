package dev.lingon.xen.remote;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.internal.InProcessHypervisor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A domain in its own JVM ({@link DomainProcessMain}) against dom0 in this one: it connects with the
 * ticket from its environment, is woken across processes by an event dom0 sends, and when it is killed
 * with SIGKILL dom0's listener hears its connection end at once.
 */
class DomainProcessTest {

    @TempDir
    Path dir;

    Dom0Fixture dom0;
    Process child;

    @BeforeEach
    void setUp() {
        dom0 = new Dom0Fixture(dir);
    }

    @AfterEach
    void tearDown() {
        if (child != null) {
            child.destroyForcibly();
        }
        dom0.close();
    }

    @Test
    void aDomainProcessIsWokenByDom0AndByAPeersDirectSendAndItsSigkillIsHeardAtOnce() throws Exception {
        XenDomain a = dom0.create("child");
        XenDomain other = dom0.create("bystander");
        RemoteXenDomain bystander = dom0.connect(other);
        LaunchTicket ticket = dom0.server.admit(a.handle());
        child = start(ticket, other.domid());
        XenStore xs = dom0.hv.dom0().store();
        String home = "/local/domain/" + a.domid();

        whileChildLives(Duration.ofSeconds(30), () -> xs.read(home + "/data/port").isOk());
        assertTrue(dom0.server.isConnected(a.handle()));
        int port = Integer.parseInt(xs.read(home + "/data/port").orThrow());
        int d0Port = dom0.hv.dom0().evtchn().bindInterdomain(a.domid(), port).orThrow();

        await().atMost(Duration.ofSeconds(10)).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        assertEquals(Errno.OK, dom0.hv.dom0().evtchn().send(d0Port));
        whileChildLives(Duration.ofSeconds(10), () -> xs.read(home + "/data/woken") instanceof Result.Ok<String> ok && ok.value().equals("1"));

        // The bystander's process raises the child's port in the child's file: no call to dom0 for the send.
        int peerPort = Integer.parseInt(xs.read(home + "/data/peer-port").orThrow());
        int bPort = bystander.evtchn().bindInterdomain(a.domid(), peerPort).orThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        bystander.evtchn().send(bPort); // authorises the direct path (woken: 2)
        whileChildLives(Duration.ofSeconds(10), () -> xs.read(home + "/data/woken") instanceof Result.Ok<String> ok && ok.value().equals("2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        long calls = dom0.server.requestsServed(other.handle());
        assertEquals(Errno.OK, bystander.evtchn().send(bPort));
        whileChildLives(Duration.ofSeconds(10), () -> xs.read(home + "/data/woken") instanceof Result.Ok<String> ok && ok.value().equals("3"));
        assertEquals(calls, dom0.server.requestsServed(other.handle()), "the peer's send went straight to the child's file");

        await().atMost(Duration.ofSeconds(10)).until(() -> ((InProcessHypervisor) dom0.hv).isVcpuSleeping(a.handle(), 0));
        child.destroyForcibly();
        await().atMost(Duration.ofSeconds(2)).until(() -> dom0.disconnectOf(a.handle()) != null);
        assertInstanceOf(Disconnect.EndOfStream.class, dom0.disconnectOf(a.handle()));

        assertTrue(bystander.isConnected(), "another domain's connection is unharmed");
        assertTrue(bystander.evtchn().allocUnbound(0).isOk());
        bystander.close();
    }

    /** Awaits {@code condition}, failing at once, with the child's log, if the domain process dies. */
    private void whileChildLives(Duration atMost, Callable<Boolean> condition) {
        try {
            await().atMost(atMost).failFast("the domain process died", () -> !child.isAlive()).until(condition);
        } catch (RuntimeException | Error e) {
            throw new AssertionError(childLog(), e);
        }
    }

    private Process start(LaunchTicket ticket, int peerDomid) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), DomainProcessMain.class.getName(), Integer.toString(peerDomid)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile());
        pb.environment().putAll(ticket.environment());
        return pb.start();
    }

    private String childLog() {
        try {
            return "the domain process died; its log:\n" + Files.readString(dir.resolve("child.log"));
        } catch (IOException e) {
            return "the domain process died (no log: " + e + ")";
        }
    }
}
