package dev.lingon.kernel.cli;

import dev.lingon.kernel.cli.Cli.Result;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lingon demo}: the demo hook. */
class LingonDemoTest {

    @TempDir
    Path dir;

    private final Cli.TestTermination termination = new Cli.TestTermination();

    private LingonEnvironment env() {
        return Cli.env(dir.resolve("dom0.sock"), termination);
    }

    @Test
    void withoutADemoOnTheClassPathItSaysSo() {
        Result r = Cli.run(env(), "demo");
        assertEquals(new Result(1, "", "lingon: no demo on the class path: `lingon demo` runs a dev.lingon.kernel.cli.Demo "
                + "service, which the demo-apps module provides; build and run it through ./lingon\n"), r);
    }

    @Test
    void theDemoGetsEveryArgumentAndGivesTheExitCode() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Demo demo = ctx -> {
            seen.addAll(ctx.args());
            ctx.out().println("demo says hi");
            ctx.err().println("demo warns");
            return 3;
        };
        Result r = Cli.run(env().withDemos(List.of(demo)), "demo", "--quick", "-x", "fast", "--help");
        assertEquals(new Result(3, "demo says hi\n", "demo warns\n"), r);
        assertEquals(List.of("--quick", "-x", "fast", "--help"), seen);
    }

    @Test
    void theDemoCanPublishItsDom0OnTheControlSocketAndHookTermination() {
        FakeDom0 dom0 = new FakeDom0();
        List<Result> fromAnotherShell = new CopyOnWriteArrayList<>();
        Demo demo = ctx -> {
            assertEquals(dir.resolve("dom0.sock"), ctx.controlSocket());
            Runnable unregister = ctx.onTerminate(() -> { });
            try (Dom0Server _ = ctx.serve(dom0)) {
                fromAnotherShell.add(Cli.run(env(), "list"));
            } finally {
                unregister.run();
            }
            return 0;
        };
        assertEquals(0, Cli.run(env().withDemos(List.of(demo)), "demo").code());
        assertEquals(0, fromAnotherShell.getFirst().code(), fromAnotherShell.getFirst()::toString);
        assertEquals(LingonCliTest.HEADER + LingonCliTest.DOM0_ROW, fromAnotherShell.getFirst().out());
        assertEquals(0, termination.registered());
    }

    @Test
    void aFailingDemoIsReportedOnOneLine() {
        Demo demo = ctx -> {
            throw new IllegalStateException("the cluster did not form");
        };
        Result r = Cli.run(env().withDemos(List.of(demo)), "demo");
        assertEquals(new Result(1, "", "lingon: unexpected error: java.lang.IllegalStateException: the cluster did not form "
                + "(LINGON_DEBUG=1 shows the stack trace)\n"), r);
        Result debug = Cli.run(env().withDemos(List.of(demo)).withVariables(java.util.Map.of("LINGON_DEBUG", "1")), "demo");
        assertTrue(debug.err().contains("\tat "), "the stack trace: " + debug.err());
        Result several = Cli.run(env().withDemos(List.of(demo, demo)), "demo");
        assertEquals(1, several.code());
        assertTrue(several.err().startsWith("lingon: several demos (dev.lingon.kernel.cli.Demo) are on the class path"));
    }
}
