package dev.lingon.kernel.cli;

import dev.lingon.kernel.cli.Cli.Result;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command but {@code run} and {@code demo}, through the entry point, against a fake dom0 on a real socket. */
class LingonCliTest {

    static final String HEADER = "Name                                        ID   Mem VCPUs\tState\tTime(s)\n";
    static final String DOM0_ROW = "Domain-0                                     0  4096     2     r-----       1.5\n";

    @TempDir
    Path dir;

    private Path socket;
    private FakeDom0 fake;
    private Dom0Server server;
    private LingonEnvironment env;

    @BeforeEach
    void serve() {
        socket = dir.resolve("dom0.sock");
        fake = new FakeDom0();
        server = Dom0Server.start(fake, socket);
        env = Cli.env(socket, new Cli.TestTermination());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Result lingon(String... args) {
        return Cli.run(env, args);
    }

    private Path config(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path webConfig() throws IOException {
        return config("web.cfg", """
                name = "web"
                application = "dev.lingon.kernel.cli.TestApp"
                vcpus = 2
                memory = 512
                """);
    }

    private static void assertOk(Result r) {
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    private static void assertFails(Result r, String err) {
        assertEquals(1, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("lingon: " + err + "\n", r.err());
    }

    @Test
    void listPrintsXlsTable() throws IOException {
        Result r = lingon("list");
        assertOk(r);
        assertEquals(HEADER + DOM0_ROW, r.out());
        assertOk(lingon("create", webConfig().toString()));
        fake.pause("web");
        assertEquals(HEADER + DOM0_ROW
                + "web                                          1   512     2     --p---       2.5\n", lingon("list").out());
    }

    @Test
    void listOfNamedDomains() throws IOException {
        lingon("create", webConfig().toString());
        Result r = lingon("list", "1");
        assertOk(r);
        assertEquals(HEADER + "web                                          1   512     2     r-----       2.5\n", r.out());
        assertFails(lingon("list", "web", "nope"), "unknown domain: nope");
    }

    @Test
    void createParsesHereAndCreatesThere() throws IOException {
        Result r = lingon("create", webConfig().toString());
        assertOk(r);
        assertEquals("Created domain web (id 1).\n", r.out());
        assertEquals(512, fake.domain("web").spec.memoryMiB());
        assertEquals(webConfig().toString(), fake.domain("web").spec.source());
        assertFails(lingon("create", webConfig().toString()), "domain web already exists (id 1)");
    }

    @Test
    void aBadConfigIsOneLineNamingFileAndLine() throws IOException {
        Path bad = config("bad.cfg", "name = \"web\"\napplication = \"dev.lingon.kernel.cli.TestApp\"\non_crash = \"explode\"\n");
        assertFails(lingon("create", bad.toString()), bad + ":3: on_crash must be one of destroy, restart, rename-restart, "
                + "preserve, coredump-destroy, coredump-restart, soft-reset; got \"explode\"");
        Path missingClass = config("gone.cfg", "name = \"web\"\napplication = \"com.example.Gone\"\n");
        assertFails(lingon("create", missingClass.toString()), missingClass + ":2: application class com.example.Gone is not on the class path");
        assertFails(lingon("create", dir.resolve("nope.cfg").toString()), dir.resolve("nope.cfg") + ": no such file");
        assertEquals(List.of(), fake.calls(), "dom0 is not asked");
    }

    @Test
    void consoleWithoutFollowPrintsTheKeptLines() throws IOException {
        lingon("create", webConfig().toString());
        fake.emit("web", "listening on 8080");
        Result r = lingon("console", "web", "--no-follow");
        assertOk(r);
        assertEquals("web booted\nlistening on 8080\n", r.out());
        assertTrue(fake.calls().contains("console 1"), "the console of that domain instance, by id");
        assertFails(lingon("console", "nope", "--no-follow"), "unknown domain: nope");
    }

    @Test
    void consoleFollowsUntilTheDomainIsGone() throws Exception {
        lingon("create", webConfig().toString());
        Cli.Running console = new Cli.Running(env, "console", "web");
        await().until(() -> console.out().equals("web booted\n"));
        await().until(() -> fake.followers("web") == 1);
        fake.emit("web", "request 1");
        await().until(() -> console.out().equals("web booted\nrequest 1\n"));
        assertFalse(console.finished());
        fake.destroy("web");
        Result r = console.result();
        assertOk(r);
        assertEquals("web booted\nrequest 1\n", r.out());
    }

    @Test
    void consoleEndsWhenDom0Stops() throws Exception {
        lingon("create", webConfig().toString());
        Cli.Running console = new Cli.Running(env, "console", "web");
        await().until(() -> console.out().equals("web booted\n"));
        server.close();
        Result r = console.result();
        assertEquals(1, r.code());
        assertEquals("lingon: dom0 stopped\n", r.err());
    }

    @Test
    void createWithConsoleFollowsTheNewDomain() throws Exception {
        Cli.Running create = new Cli.Running(env, "create", "-c", webConfig().toString());
        await().until(() -> create.out().equals("Created domain web (id 1).\nweb booted\n"));
        fake.emit("web", "up");
        await().until(() -> create.out().endsWith("web booted\nup\n"));
        fake.shutdown("web");
        assertOk(create.result());
    }

    @Test
    void lifecycleCommandsAreSilentOnSuccess() throws IOException {
        lingon("create", webConfig().toString());
        assertEquals(new Result(0, "", ""), lingon("pause", "web"));
        assertEquals('p', fake.domain("web").state);
        assertEquals(new Result(0, "", ""), lingon("unpause", "1"));
        assertEquals(new Result(0, "", ""), lingon("reboot", "web"));
        assertEquals(2, fake.domain("web").domid);
        assertEquals(new Result(0, "", ""), lingon("shutdown", "web"));
        lingon("create", webConfig().toString());
        assertEquals(new Result(0, "", ""), lingon("destroy", "web"));
        assertEquals(List.of("create web", "pause web", "unpause 1", "reboot web", "shutdown web", "create web", "destroy web"),
                fake.calls().stream().filter(c -> !c.equals("list")).toList());
    }

    @Test
    void lifecycleErrorsAreOneLine() throws IOException {
        for (String cmd : List.of("shutdown", "reboot", "destroy", "pause", "unpause")) {
            assertFails(lingon(cmd, "nope"), "unknown domain: nope");
        }
        lingon("create", webConfig().toString());
        assertFails(lingon("unpause", "web"), "domain web is not paused");
        assertFails(lingon("destroy", "0"), "dom0 cannot be destroyed");
    }

    @Test
    void shutdownCanWaitForTheDomainToGo() throws IOException {
        lingon("create", webConfig().toString());
        fake.preserveOnShutdown = true;
        assertOk(lingon("shutdown", "-w", "web"));
        assertEquals('s', fake.domain("web").state);
        fake.preserveOnShutdown = false;
        lingon("create", webConfig().toString());
        assertOk(lingon("reboot", "--wait", "web"));
    }

    @Test
    void waitingGivesUpAtTheTimeout() throws IOException {
        lingon("create", webConfig().toString());
        fake.ignoreShutdown = true;
        int listsBefore = (int) fake.calls().stream().filter(c -> c.equals("list")).count();
        LingonEnvironment quick = env.withSleeper(d -> { }).withPollInterval(Duration.ofMillis(500));
        Result r = Cli.run(quick, "shutdown", "-w", "--timeout", "2", "web");
        assertFails(r, "domain web (id 1) did not shut down within 2 s");
        assertEquals(6, fake.calls().stream().filter(c -> c.equals("list")).count() - listsBefore,
                "a look before asking, then polls at 0, 0.5, 1, 1.5 and 2 s");
    }

    @Test
    void topPrintsSamplesOneBelowTheOtherWhenNotATerminal() {
        Result r = Cli.run(env.withSleeper(d -> assertEquals(Duration.ofMillis(250), d)), "top", "--interval", "250", "-i", "2");
        assertOk(r);
        String table = """
                NAME                ID VCPUS  CPU(%)   SLICES/s   EVENTS/s   STEALS  RUNQ
                Domain-0             0     2    12.5        0.0       50.3        0     0
                """;
        assertEquals(table + "\n" + table, r.out());
    }

    @Test
    void topRedrawsTheScreenOnATerminal() {
        Result r = Cli.run(env.withTerminal(true).withSleeper(d -> { }), "top", "-i", "2");
        assertOk(r);
        assertEquals(2, r.out().split(java.util.regex.Pattern.quote(TopCommand.CLEAR_SCREEN), -1).length - 1);
        Result batch = Cli.run(env.withTerminal(true).withSleeper(d -> { }), "top", "-b", "-i", "1");
        assertFalse(batch.out().contains(TopCommand.CLEAR_SCREEN));
    }

    @Test
    void topRefusesNonsenseIntervals() {
        Result r = lingon("top", "--interval", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("--interval must be at least 1 ms; got 0\n"), r.err());
    }

    @Test
    void withNoDom0EveryCommandSaysHowToStartOne() throws IOException {
        server.close();
        String err = "dom0 is not running: no control socket at " + socket + "; start it with `lingon run <config...>`";
        for (List<String> cmd : List.of(List.of("list"), List.of("console", "web"), List.of("shutdown", "web"),
                List.of("reboot", "web"), List.of("destroy", "web"), List.of("pause", "web"), List.of("unpause", "web"),
                List.of("top", "-i", "1"), List.of("create", webConfig().toString()))) {
            assertFails(lingon(cmd.toArray(String[]::new)), err);
        }
    }

    @Test
    void theSocketComesFromTheOptionBeforeOrAfterTheCommandOrTheEnvironment() {
        LingonEnvironment elsewhere = env.withVariables(Map.of("LINGON_SOCKET", dir.resolve("other.sock").toString()));
        assertEquals(1, Cli.run(elsewhere, "list").code());
        assertOk(Cli.run(elsewhere, "--socket", socket.toString(), "list"));
        assertOk(Cli.run(elsewhere, "list", "--socket", socket.toString()));
        LingonEnvironment xdg = env.withVariables(Map.of("XDG_RUNTIME_DIR", dir.toString()));
        assertTrue(Cli.run(xdg, "list").err().contains("no control socket at " + dir.resolve("lingon/dom0.sock")));
    }

    @Test
    void usageErrors() {
        Result none = lingon();
        assertEquals(2, none.code());
        assertTrue(none.err().startsWith("Usage: lingon [-hV] [--socket=PATH] [COMMAND]"), none.err());
        Result unknown = lingon("frobnicate");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("Unmatched argument at index 0: 'frobnicate'"), unknown.err());
        Result missing = lingon("shutdown");
        assertEquals(2, missing.code());
        assertTrue(missing.err().startsWith("Missing required parameter: 'DOMAIN'"), missing.err());
    }

    @Test
    void helpListsTheCommands() {
        Result r = lingon("--help");
        assertOk(r);
        for (String cmd : List.of("run", "create", "list", "console", "shutdown", "reboot", "destroy", "pause", "unpause", "top",
                "demo")) {
            assertTrue(r.out().contains("\n  " + cmd + " "), cmd + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Exit codes:"), r.out());
        Result sub = lingon("shutdown", "--help");
        assertOk(sub);
        assertTrue(sub.out().startsWith("Usage: lingon shutdown [-hVw] [--socket=PATH] [--timeout=SECONDS] DOMAIN"), sub.out());
    }
}
