package dev.lingon.xen.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared-memory files: what two mappings share, and the run directory's clean-up of dead runs. */
class ShmDirectoryTest {

    @TempDir
    Path base;

    @Test
    void twoMappingsOfOneFileShareTheirBytes() {
        try (ShmDirectory run = ShmDirectory.create(base);
             ShmFile a = ShmFile.create(run.file("dom1.mem"), 3 * 4096);
             ShmFile b = ShmFile.open(run.file("dom1.mem"))) {
            assertEquals(3 * 4096, b.segment().byteSize());
            assertEquals(0, a.segment().address() % 4096, "page-aligned");
            a.segment().set(ValueLayout.JAVA_LONG, 4096 + 8, 0x1234_5678_9abcL);
            assertEquals(0x1234_5678_9abcL, b.segment().get(ValueLayout.JAVA_LONG, 4096 + 8));
        }
    }

    @Test
    void creatingTwiceIsRefusedAndAMissingFileIsNamed() {
        try (ShmDirectory run = ShmDirectory.create(base); ShmFile a = ShmFile.create(run.file("x"), 4096)) {
            var e = assertThrows(java.io.UncheckedIOException.class, () -> ShmFile.create(run.file("x"), 4096));
            assertTrue(e.getMessage().contains("cannot create the shared-memory file"), e.getMessage());
            var missing = assertThrows(java.io.UncheckedIOException.class, () -> ShmFile.open(run.file("nope")));
            assertTrue(missing.getMessage().contains("nope"), missing.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ShmDirectory.create(base).file("../escape"));
    }

    @Test
    void aRunDirectoryOfADeadDom0IsRemovedAndOursOnClose() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path stale = Files.createDirectories(base.resolve(Long.toString(gone.pid())));
        Files.writeString(stale.resolve("dom1-g1.mem"), "left by a dom0 killed with SIGKILL");
        Path alive = Files.createDirectories(base.resolve(Long.toString(ProcessHandle.current().parent().orElseThrow().pid())));
        Path notARun = Files.createDirectories(base.resolve("notes"));

        ShmDirectory run = ShmDirectory.create(base);
        assertFalse(Files.exists(stale), "the dead run's files are gone");
        assertTrue(Files.exists(alive), "a live process's run is left alone");
        assertTrue(Files.exists(notARun), "what is not a run directory is left alone");
        assertEquals(base.resolve(Long.toString(ProcessHandle.current().pid())), run.path());
        ShmFile.create(run.file("dom2-g1.mem"), 4096).close();
        run.close();
        assertFalse(Files.exists(run.path()));
    }
}
