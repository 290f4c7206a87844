package dev.lingon.scheduler.sim;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A seed replays in a fresh JVM too: the multi-domain scenario run in a child JVM gives the hash it
 * gives here (JIT, class initialisation and identity hash codes all differ there), so a failing seed printed by CI can be replayed on a laptop.
 */
class SimulationReplaysAcrossJvmsTest {

    /** Entry point of the child JVM: prints the outcome of one run. */
    public static void main(String[] args) {
        SimulationDeterminismTest.Outcome o = SimulationDeterminismTest.run(Long.parseLong(args[0]));
        System.out.println("OUTCOME " + o);
    }

    static String runInChildJvm(long seed) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Dkryo.unsafe=false",
                "-cp", System.getProperty("java.class.path"),
                SimulationReplaysAcrossJvmsTest.class.getName(), Long.toString(seed)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("OUTCOME ")).findFirst()
                .orElseThrow(() -> new AssertionError("child printed no outcome:\n" + out));
    }

    @Test
    void theSameSeedGivesTheSameHashInAFreshJvm() throws Exception {
        long seed = 424242L;
        String here = "OUTCOME " + SimulationDeterminismTest.run(seed);
        assertEquals(here, runInChildJvm(seed));
    }
}
