package dev.lingon.xen.shm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where one dom0 run keeps its shared-memory files: {@code <base>/<dom0 pid>/}, with {@code <base>}
 * {@code /dev/shm/lingon-<user>} (memory, never a disk) or, without {@code /dev/shm}, a directory under
 * {@code java.io.tmpdir}. Creating it removes the directories of earlier runs whose dom0 is no longer
 * alive — what a dom0 killed with SIGKILL left behind — so stale files never pile up; closing it removes
 * its own.
 */
public final class ShmDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShmDirectory.class);

    private final Path dir;

    private ShmDirectory(Path dir) {
        this.dir = dir;
    }

    /** The default base directory for this user. */
    public static Path defaultBase() {
        String user = System.getProperty("user.name", "unknown").replaceAll("[^A-Za-z0-9._-]", "_");
        Path shm = Path.of("/dev/shm");
        Path root = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        return root.resolve("lingon-" + user);
    }

    /** Creates this process's run directory under {@code base}, first removing those of dead runs. */
    public static ShmDirectory create(Path base) {
        long self = ProcessHandle.current().pid();
        try {
            Files.createDirectories(base);
            trySetOwnerOnly(base);
            for (Path stale : staleRuns(base)) {
                log.info("removing the shared-memory files of an earlier run whose dom0 (pid {}) is gone: {}", stale.getFileName(), stale);
                deleteTree(stale);
            }
            Path dir = base.resolve(Long.toString(self));
            if (Files.exists(dir)) {
                deleteTree(dir); // a previous process of ours with this very pid died without cleaning up
            }
            Files.createDirectory(dir);
            trySetOwnerOnly(dir);
            return new ShmDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the shared-memory directory under " + base + ": " + e.getMessage(), e);
        }
    }

    /** The run directories under {@code base} whose owning process is not alive. */
    static List<Path> staleRuns(Path base) throws IOException {
        try (Stream<Path> runs = Files.list(base)) {
            return runs.filter(Files::isDirectory)
                    .filter(p -> pidOf(p).map(pid -> pid != ProcessHandle.current().pid()
                            && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)).orElse(false))
                    .toList();
        }
    }

    private static Optional<Long> pidOf(Path runDir) {
        try {
            return Optional.of(Long.parseLong(runDir.getFileName().toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path path() {
        return dir;
    }

    /** A file of this run, by name (e.g. {@code dom3-g1.mem}). */
    public Path file(String name) {
        if (name.contains("/") || name.startsWith(".")) {
            throw new IllegalArgumentException("a shared-memory file name is one plain path element; got '" + name + "'");
        }
        return dir.resolve(name);
    }

    /** Removes the run directory and every file in it. */
    @Override
    public void close() {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the shared-memory directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void trySetOwnerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException | IOException e) {
            // Not a POSIX file system, or not ours to change: the files are still only as open as the umask says.
        }
    }
}
