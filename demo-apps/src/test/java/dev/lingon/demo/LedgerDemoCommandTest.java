package dev.lingon.demo;

import dev.lingon.kernel.cli.Lingon;
import dev.lingon.kernel.cli.LingonEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code lingon demo} through the CLI's entry point, with the demo found on the class path as the
 * {@code ./lingon demo} of a fresh clone finds it: three domains, live rates, shard-2 crashing on purpose
 * and coming back under a new domid, a clean exit 0 — and the running demo reachable from another shell.
 */
class LedgerDemoCommandTest {

    @TempDir
    Path dir;

    /** SIGINT for tests: the hooks are kept and fired by hand. */
    private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

    private LingonEnvironment env() {
        return LingonEnvironment.system()
                .withVariables(Map.of("LINGON_SOCKET", dir.resolve("dom0.sock").toString()))
                .withTermination(hook -> {
                    hooks.add(hook);
                    return () -> hooks.remove(hook);
                })
                .withTerminal(false);
    }

    /** A command running on its own thread, its output readable as it grows. */
    private final class Running {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(Integer.MIN_VALUE);
        final Thread thread;

        Running(String... args) {
            thread = Thread.ofPlatform().name("lingon demo").start(
                    () -> code.set(Lingon.execute(env(), new PrintWriter(out, true), new PrintWriter(err, true), args)));
        }

        String out() {
            synchronized (out.getBuffer()) {
                return out.toString();
            }
        }

        int await(Duration d) throws InterruptedException {
            thread.join(d);
            assertFalse(thread.isAlive(), () -> "the demo did not finish; output so far:\n" + out() + err);
            return code.get();
        }
    }

    private String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Lingon.execute(env(), new PrintWriter(out), new PrintWriter(err), args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theDemoIsFoundOnTheClassPath() {
        assertInstanceOf(LedgerDemoCommand.class, LingonEnvironment.system().demo().orElseThrow());
    }

    @Test
    void theDemoShowsRatesCrashesShard2BringsItBackAndExitsZero() throws Exception {
        Running demo = new Running("demo", "--seconds", "5");
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.out().contains("[t= 1s]") || !demo.thread.isAlive());

        // From another shell, while the demo runs: its dom0 answers on the control socket.
        String[] list = run("list");
        assertEquals("0", list[0], () -> String.join("\n", list));
        for (String name : List.of("frontend", "shard-1", "shard-2")) {
            assertTrue(Pattern.compile("(?m)^" + name + " ").matcher(list[1]).find(), list[1]);
        }

        assertEquals(0, demo.await(Duration.ofSeconds(60)), demo::out);
        String out = demo.out();
        assertTrue(out.startsWith("Lingon demo: dom0 + 3 domains"), out);
        assertTrue(Pattern.compile("shard-1 [0-9,]+ deposits/s").matcher(out).find(), out);
        assertTrue(Pattern.compile("shard-2: dom\\d+ crashed; on_crash=restart brought it back as dom\\d+").matcher(out).find(), out);
        assertTrue(out.contains("the restarted shard-2 booked"), out);
        assertTrue(out.contains("Name ") && out.contains("VCPUs"), out);
        assertTrue(out.endsWith(" s\n") && out.contains("done in "), out);
        assertEquals("1", run("list")[0], "the demo's dom0 is gone with it");
    }

    @Test
    void theSameDemoRunsWithEveryDomainInItsOwnProcess() throws Exception {
        assumeTrue(dev.lingon.kernel.dom0.Dom0.processDomainsAvailable(), "process domains need Linux futexes");
        Running demo = new Running("demo", "--backend", "process", "--seconds", "14");

        assertEquals(0, demo.await(Duration.ofSeconds(120)), demo::out);
        String out = demo.out();
        assertTrue(out.startsWith("Lingon demo: dom0 + 3 domains, each in its own JVM process"), out);
        assertTrue(Pattern.compile("shard-2: dom\\d+ crashed; on_crash=restart brought it back as dom\\d+").matcher(out).find(), out);
        assertTrue(out.contains("the restarted shard-2 booked"), out);
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void ctrlCStopsTheDemoEarlyAndCleanly() throws Exception {
        Running demo = new Running("demo", "--seconds", "600");
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.out().contains("[t= 1s]") || !demo.thread.isAlive());
        assertEquals(1, hooks.size(), "the demo hooks termination");
        hooks.getFirst().run();
        assertEquals(0, demo.await(Duration.ofSeconds(30)), demo::out);
        assertTrue(demo.out().contains("stopping early, as asked"), demo.out());
        assertTrue(hooks.isEmpty(), "the hook is unregistered");
    }

    @Test
    void badOptionsAreRefusedWithWhatToDo() {
        String[] backend = run("demo", "--backend", "xen");
        assertEquals("1", backend[0]);
        assertTrue(backend[2].contains("--backend takes inproc or process; got 'xen'"), backend[2]);
        String[] seconds = run("demo", "--seconds", "soon");
        assertEquals("1", seconds[0]);
        assertTrue(seconds[2].contains("--seconds takes a whole number of seconds from 3 to 3600; got 'soon'"), seconds[2]);
        String[] unknown = run("demo", "--fast");
        assertEquals("1", unknown[0]);
        assertTrue(unknown[2].contains("unknown demo option '--fast'"), unknown[2]);
    }
}
