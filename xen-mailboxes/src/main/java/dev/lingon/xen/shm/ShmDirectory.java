package dev.lingon.xen.shm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where one dom0 run keeps its shared-memory files: {@code <base>/<dom0 pid>/}, with {@code <base>}
 * {@code /dev/shm/lingon-<user>} (memory, never a disk) or, without {@code /dev/shm}, a directory under
 * {@code java.io.tmpdir}. Creating it removes the directories of earlier runs whose dom0 is no longer
 * alive — what a dom0 killed with SIGKILL left behind — so stale files never pile up; closing it removes
 * its own. A JVM that runs several hypervisors at once (tests, one dom0 per demo) gets one directory
 * each: the first is {@code <pid>}, the next ones {@code <pid>-2}, {@code <pid>-3} …; a directory named
 * for this very pid that this JVM did not create was left by an earlier process with the same pid, and
 * is removed like any other stale run.
 */
public final class ShmDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShmDirectory.class);

    /** Run directories this JVM created and has not closed: never stale, never reused. */
    private static final Set<Path> LIVE = new HashSet<>();

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
        // One lock for the JVM: a sibling hypervisor's fresh directory must not look stale to us.
        synchronized (LIVE) {
            try {
                Files.createDirectories(base);
                trySetOwnerOnly(base);
                for (Path stale : staleRuns(base)) {
                    log.info("removing the shared-memory files of an earlier run whose dom0 (pid {}) is gone: {}", stale.getFileName(), stale);
                    deleteTree(stale);
                }
                Path dir = base.resolve(Long.toString(self));
                for (int n = 2; LIVE.contains(dir.toAbsolutePath()); n++) {
                    dir = base.resolve(self + "-" + n);
                }
                Files.createDirectory(dir);
                trySetOwnerOnly(dir);
                LIVE.add(dir.toAbsolutePath());
                return new ShmDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the shared-memory directory under " + base + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The run directories under {@code base} whose owning process is not alive, and those named for
     * this process's pid that this JVM did not create (an earlier process had the pid). Caller holds LIVE.
     */
    static List<Path> staleRuns(Path base) throws IOException {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> runs = Files.list(base)) {
            return runs.filter(Files::isDirectory)
                    .filter(p -> pidOf(p).map(pid -> pid == self
                            ? !LIVE.contains(p.toAbsolutePath())
                            : ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)).orElse(false))
                    .toList();
        }
    }

    /** The pid a run directory is named for: {@code <pid>} or {@code <pid>-<n>}. */
    private static Optional<Long> pidOf(Path runDir) {
        String name = runDir.getFileName().toString();
        int dash = name.indexOf('-');
        try {
            return Optional.of(Long.parseLong(dash < 0 ? name : name.substring(0, dash)));
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
        synchronized (LIVE) {
            try {
                deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the shared-memory directory " + dir + ": " + e.getMessage(), e);
            } finally {
                LIVE.remove(dir.toAbsolutePath());
            }
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
