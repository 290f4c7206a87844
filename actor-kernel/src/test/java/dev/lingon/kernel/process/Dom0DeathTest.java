package dev.lingon.kernel.process;

import dev.lingon.kernel.dom0.Dom0;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** No orphans: when dom0 dies, even by SIGKILL, its domain processes stop, and its files go at the next start. */
class Dom0DeathTest {

    @TempDir
    Path dir;

    @Test
    void domainProcessesOutliveNoDom0AndItsFilesAreCleanedAtTheNextStart() throws Exception {
        assumeTrue(Dom0.processDomainsAvailable(), "process domains need Linux futexes");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process dom0 = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dkryo.unsafe=false", "-cp", System.getProperty("java.class.path"), Dom0Orphans.class.getName(),
                dir.resolve("domains.jsa").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line;
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(dom0.getInputStream(), StandardCharsets.UTF_8));
            do {
                line = r.readLine();
            } while (line != null && !line.startsWith("domain "));
            assertNotNull(line, "dom0 did not start its domain");
        } catch (RuntimeException | java.io.IOException e) {
            dom0.destroyForcibly();
            throw e;
        }
        String[] f = line.split(" ");
        long domainPid = Long.parseLong(f[1]);
        Path runDir = Path.of(f[2]);
        ProcessHandle domain = ProcessHandle.of(domainPid).orElseThrow();
        assertTrue(domain.isAlive());
        assertTrue(Files.isDirectory(runDir));

        assertTrue(Signals.send(dom0.pid(), Signals.SIGKILL));

        await().atMost(Duration.ofSeconds(20)).until(() -> !domain.isAlive());
        dom0.waitFor();
        // The dead dom0 could not remove its run directory; the next dom0 does.
        assertTrue(Files.exists(runDir));
        try (Dom0 next = Dom0.startWithProcessDomains(dir.resolve("cores"),
                DomainProcessCommand.Settings.ofThisJvm(Optional.empty(), List.of()))) {
            assertFalse(Files.exists(runDir), "the stale run directory " + runDir + " is removed");
        }
    }
}
