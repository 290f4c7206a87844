package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.cli.Cli.Result;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lingon run}: dom0 in the foreground, with a fake toolstack behind the launcher hook. */
class LingonRunTest {

    @TempDir
    Path dir;

    private final Cli.TestTermination termination = new Cli.TestTermination();

    /** Boots a {@link FakeDom0} and counts boots; closing it marks the fake closed. */
    static final class FakeLauncher implements Dom0Launcher {
        final FakeDom0 dom0;
        final AtomicInteger starts = new AtomicInteger();

        FakeLauncher() {
            this(new FakeDom0());
        }

        FakeLauncher(FakeDom0 dom0) {
            this.dom0 = dom0;
        }

        @Override
        public RunningDom0 start() {
            starts.incrementAndGet();
            return RunningDom0.of(dom0, () -> dom0.closed = true);
        }
    }

    private Path socket() {
        return dir.resolve("dom0.sock");
    }

    private LingonEnvironment env(Dom0Launcher launcher) {
        return Cli.env(socket(), termination).withLauncher(launcher);
    }

    private Path config(String file, String name) throws IOException {
        Path p = dir.resolve(file);
        Files.writeString(p, "name = \"" + name + "\"\napplication = \"dev.lingon.kernel.cli.TestApp\"\nmemory = 128\n");
        return p;
    }

    private String runningLine() {
        return "dom0 is running; control socket " + socket() + ". Ctrl-C stops dom0 and its domains.\n";
    }

    @Test
    void runBootsDom0CreatesTheDomainsServesTheSocketAndStopsOnSigterm() throws Exception {
        FakeLauncher launcher = new FakeLauncher();
        Cli.Running run = new Cli.Running(env(launcher), "run", config("web.cfg", "web").toString(),
                config("db.cfg", "db").toString());
        await().until(() -> run.out().endsWith(runningLine()));
        assertEquals(LingonCliTest.HEADER + LingonCliTest.DOM0_ROW
                + "web                                          1   128     1     r-----       2.5\n"
                + "db                                           2   128     1     r-----       3.5\n"
                + runningLine(), run.out());
        assertEquals(1, termination.registered());

        Result list = Cli.run(env(launcher), "list");
        assertEquals(0, list.code(), list::toString);
        assertTrue(list.out().contains("\ndb "), list.out());
        assertEquals(new Result(0, "", ""), Cli.run(env(launcher), "pause", "db"));
        assertEquals('p', launcher.dom0.domain("db").state);

        termination.fire();
        Result r = run.result();
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().endsWith(runningLine() + "dom0 stopped.\n"), r.out());
        assertTrue(launcher.dom0.closed);
        assertFalse(Files.exists(socket()), "the control socket is removed");
        assertEquals(0, termination.registered(), "the shutdown hook is unregistered");
        assertEquals(1, Cli.run(env(launcher), "list").code(), "no dom0 any more");
    }

    @Test
    void exitWhenIdleStopsOnceTheLastDomainIsGone() throws Exception {
        FakeLauncher launcher = new FakeLauncher();
        Cli.Running run = new Cli.Running(env(launcher), "run", "--exit-when-idle", config("web.cfg", "web").toString());
        await().until(() -> run.out().endsWith(runningLine()));
        assertFalse(run.finished());
        assertEquals(0, Cli.run(env(launcher), "shutdown", "web").code());
        Result r = run.result();
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().endsWith(runningLine() + "No domain is left; stopping dom0.\ndom0 stopped.\n"), r.out());
        assertTrue(launcher.dom0.closed);
    }

    @Test
    void aSecondRunIsRefusedWhileOneIsRunning() throws Exception {
        FakeLauncher first = new FakeLauncher();
        Cli.Running run = new Cli.Running(env(first), "run");
        await().until(() -> run.out().endsWith(runningLine()));
        FakeLauncher second = new FakeLauncher();
        Result refused = Cli.run(env(second), "run", config("web.cfg", "web").toString());
        assertEquals(new Result(1, "", "lingon: dom0 (pid " + ProcessHandle.current().pid()
                + ") is already running with the control socket " + socket()
                + "; stop it first (Ctrl-C in its shell), or give this one another --socket\n"), refused);
        assertEquals(0, second.starts.get(), "the second dom0 never boots");
        assertEquals(0, Cli.run(env(first), "list").code(), "the first goes on serving");
        termination.fire();
        assertEquals(0, run.result().code());
    }

    @Test
    void aStaleSocketLeftByACrashedDom0IsReplaced() throws Exception {
        ControlSocketTest.makeStale(socket());
        FakeLauncher launcher = new FakeLauncher();
        Result r = Cli.run(env(launcher), "run", "--exit-when-idle");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains(runningLine()), r.out());
        assertFalse(Files.exists(socket()));
    }

    @Test
    void backendOptionChoosesWhereEveryGivenDomainRunsWhateverItsConfigSays() throws Exception {
        FakeLauncher launcher = new FakeLauncher();
        Path web = config("web.cfg", "web");
        Files.writeString(web, "backend = \"inproc\"\n", java.nio.file.StandardOpenOption.APPEND);
        Cli.Running run = new Cli.Running(env(launcher), "run", "--backend", "process", web.toString(), config("db.cfg", "db").toString());
        await().until(() -> run.out().endsWith(runningLine()));
        assertEquals(DomainSpec.Backend.PROCESS, launcher.dom0.domain("web").spec.backend());
        assertEquals(DomainSpec.Backend.PROCESS, launcher.dom0.domain("db").spec.backend());
        termination.fire();
        assertEquals(0, run.result().code());
    }

    @Test
    void anUnknownBackendIsRefusedBeforeDom0Boots() throws IOException {
        FakeLauncher launcher = new FakeLauncher();
        Result r = Cli.run(env(launcher), "run", "--backend", "xen", config("web.cfg", "web").toString());
        assertEquals(new Result(1, "", "lingon: --backend takes inproc or process; got 'xen'\n"), r);
        assertEquals(0, launcher.starts.get());
    }

    @Test
    void aBadConfigStopsEverythingBeforeDom0Boots() throws IOException {
        FakeLauncher launcher = new FakeLauncher();
        Path bad = dir.resolve("bad.cfg");
        Files.writeString(bad, "name = \"web\"\nvcpus = 0\n");
        Result r = Cli.run(env(launcher), "run", config("ok.cfg", "ok").toString(), bad.toString());
        assertEquals(new Result(1, "", "lingon: " + bad + ":2: vcpus must be between 1 and 32; got 0\n"), r);
        assertEquals(0, launcher.starts.get());
        assertFalse(Files.exists(socket()));
    }

    @Test
    void twoConfigsMayNotNameTheSameDomain() throws IOException {
        Path a = config("a.cfg", "web");
        Path b = config("b.cfg", "web");
        Result r = Cli.run(env(new FakeLauncher()), "run", a.toString(), b.toString());
        assertEquals(new Result(1, "", "lingon: " + a + " and " + b + " both describe domain web; domain names must be unique\n"), r);
    }

    @Test
    void aDomainThatCannotBeCreatedStopsDom0() throws IOException {
        FakeDom0 dom0 = new FakeDom0();
        dom0.create(DomainSpec.of("web", TestApp.class));
        FakeLauncher launcher = new FakeLauncher(dom0);
        Result r = Cli.run(env(launcher), "run", config("web.cfg", "web").toString());
        assertEquals(new Result(1, "", "lingon: domain web already exists (id 1)\n"), r);
        assertTrue(dom0.closed);
        assertFalse(Files.exists(socket()));
        assertEquals(0, termination.registered());
    }

    @Test
    void withoutAToolstackRunSaysWhatIsMissing() {
        Result r = Cli.run(Cli.env(socket(), termination), "run");
        assertEquals(new Result(1, "", "lingon: no dom0 toolstack on the class path: `lingon run` needs a "
                + "dev.lingon.kernel.cli.Dom0Launcher service (the actor-kernel toolstack provides one)\n"), r);
        Result several = Cli.run(Cli.env(socket(), termination).withLaunchers(
                java.util.List.of(new FakeLauncher(), new FakeLauncher())), "run");
        assertEquals(1, several.code());
        assertTrue(several.err().startsWith("lingon: several dom0 launchers (dev.lingon.kernel.cli.Dom0Launcher) are on the class path: "),
                several.err());
    }

    @Test
    void aDom0ThatDoesNotBootIsReported() {
        Dom0Launcher broken = () -> {
            throw new IOException("no memory for the hypervisor");
        };
        Result r = Cli.run(env(broken), "run");
        assertEquals(new Result(1, "", "lingon: dom0 did not boot: no memory for the hypervisor\n"), r);
        assertFalse(Files.exists(socket()));
        assertEquals(0, termination.registered());
    }

    @Test
    void runWithConsoleFollowsEveryDomainIncludingRestartedOnes() throws Exception {
        FakeLauncher launcher = new FakeLauncher();
        Cli.Running run = new Cli.Running(env(launcher), "run", "-c", config("web.cfg", "web").toString());
        await().until(() -> run.out().endsWith(runningLine() + "[web] web booted\n"));
        launcher.dom0.emit("web", "serving");
        await().until(() -> run.out().endsWith("[web] serving\n"));
        launcher.dom0.reboot("web");
        await().until(() -> run.out().endsWith("[web] serving\n[web] web booted\n"));
        termination.fire();
        assertEquals(0, run.result().code());
    }
}
