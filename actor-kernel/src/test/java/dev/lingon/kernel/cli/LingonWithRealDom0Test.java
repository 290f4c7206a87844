package dev.lingon.kernel.cli;

import dev.lingon.kernel.cli.Cli.Result;
import dev.lingon.kernel.dom0.StandardDom0Launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code lingon} command through its entry point against a real dom0: the in-process launcher
 * boots the hypervisor and toolstack, the domains run {@code DeviceApps} with their real devices, and a
 * "second shell" drives them over the control socket.
 */
class LingonWithRealDom0Test {

    @TempDir
    Path dir;

    private final Cli.TestTermination termination = new Cli.TestTermination();

    private LingonEnvironment env() {
        return Cli.env(dir.resolve("dom0.sock"), termination).withLauncher(new StandardDom0Launcher())
                .withPollInterval(Duration.ofMillis(50));
    }

    private Path config(String name, String more) throws IOException {
        Path p = dir.resolve(name + ".cfg");
        Files.writeString(p, "name = \"" + name + "\"\napplication = \"dev.lingon.kernel.dom0.DeviceApps\"\nmemory = 128\n" + more);
        return p;
    }

    private static boolean listed(Result list, String name, int domid, String state) {
        return Pattern.compile("(?m)^" + name + " +" + domid + " +128 +1 +" + state + " ").matcher(list.out()).find();
    }

    @Test
    void theInProcessLauncherIsFoundOnTheClassPath() {
        assertInstanceOf(StandardDom0Launcher.class, LingonEnvironment.system().launcher().orElseThrow());
    }

    @Test
    void everyCommandDrivesARealDom0() throws Exception {
        Cli.Running run = new Cli.Running(env(), "run", config("web", "").toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> run.out().contains("dom0 is running") || run.finished());
        assertFalse(run.finished(), run::out);

        Result list = Cli.run(env(), "list");
        assertEquals(0, list.code(), list::toString);
        assertTrue(list.out().startsWith("Name "), list.out());
        assertTrue(Pattern.compile("(?m)^Domain-0 +0 ").matcher(list.out()).find(), list.out());
        assertTrue(listed(list, "web", 1, "[r-][b-]----"), list.out());

        Result console = Cli.run(env(), "console", "web", "--no-follow");
        assertEquals(0, console.code(), console::toString);
        assertTrue(console.out().contains("hello from a in web") && console.out().contains("hello from b in web"), console.out());

        Result created = Cli.run(env(), "create", config("db", "on_reboot = \"restart\"\n").toString());
        assertEquals(new Result(0, "Created domain db (id 2).\n", ""), created);

        assertEquals(new Result(0, "", ""), Cli.run(env(), "pause", "db"));
        assertTrue(listed(Cli.run(env(), "list", "db"), "db", 2, "--p---"), () -> Cli.run(env(), "list").out());
        assertEquals(new Result(0, "", ""), Cli.run(env(), "unpause", "db"));
        assertTrue(listed(Cli.run(env(), "list", "db"), "db", 2, "[r-][b-]----"), () -> Cli.run(env(), "list").out());

        Result top = Cli.run(env(), "top", "-b", "-i", "1", "--interval", "100");
        assertEquals(0, top.code(), top::toString);
        assertTrue(top.out().contains("NAME") && top.out().contains("EVENTS/s"), top.out());
        assertTrue(Pattern.compile("(?m)^web +1 +1 ").matcher(top.out()).find(), top.out());
        assertTrue(Pattern.compile("(?m)^db +2 +1 ").matcher(top.out()).find(), top.out());

        // reboot: on_reboot = restart keeps the name, with a new domid.
        assertEquals(new Result(0, "", ""), Cli.run(env(), "reboot", "db", "-w", "--timeout", "20"));
        await().atMost(Duration.ofSeconds(20)).until(() -> listed(Cli.run(env(), "list", "db"), "db", 3, "[r-][b-]----"));

        // shutdown -w returns once web has shut down, as xl's does (state s, or already gone); on_poweroff
        // = destroy (the default) then removes it, which the toolstack does right after, not before -w returns.
        assertEquals(new Result(0, "", ""), Cli.run(env(), "shutdown", "web", "-w", "--timeout", "20"));
        Result afterShutdown = Cli.run(env(), "list");
        assertTrue(!afterShutdown.out().contains("\nweb ") || listed(afterShutdown, "web", 1, "(?:...s..|.....d)"), afterShutdown.out());
        await().atMost(Duration.ofSeconds(20)).until(() -> !Cli.run(env(), "list").out().contains("\nweb "));

        assertEquals(new Result(0, "", ""), Cli.run(env(), "destroy", "db"));
        assertFalse(Cli.run(env(), "list").out().contains("\ndb "));

        Result unknown = Cli.run(env(), "destroy", "db");
        assertEquals(1, unknown.code(), unknown::toString);
        assertTrue(unknown.err().startsWith("lingon: ") && unknown.err().contains("db"), unknown.err());

        Result bad = Cli.run(env(), "create", config("broken", "vcpus = \"two\"\n").toString());
        assertEquals(1, bad.code(), bad::toString);
        assertTrue(bad.err().contains("broken.cfg:4:") && bad.err().contains("vcpus"), bad.err());

        termination.fire();
        Result r = run.result();
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().endsWith("dom0 stopped.\n"), r.out());
        Result gone = Cli.run(env(), "list");
        assertEquals(1, gone.code());
        assertTrue(gone.err().contains("dom0 is not running"), gone.err());
    }
}
