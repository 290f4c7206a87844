package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

/**
 * dom0's control socket: where it is, and the listening end that one dom0 at a time holds.
 *
 * <p><b>Where.</b> {@code --socket PATH}, else {@code $LINGON_SOCKET}, else
 * {@code $XDG_RUNTIME_DIR/lingon/dom0.sock}, else {@code /tmp/lingon-<user>/dom0.sock}. A directory
 * Lingon creates for it is private to the user (0700) and so is the socket (0600).
 *
 * <p><b>One dom0 per socket.</b> The dom0 that binds holds an exclusive lock on {@code <socket>.lock}
 * for as long as it runs; the kernel drops the lock when the process dies, however it dies. So a
 * second dom0 finds the lock taken and is refused, while a socket file whose lock is free was left by
 * a dom0 that crashed: it is stale, and is replaced. The lock file itself stays (removing it would let
 * two starters lock two different files).
 *
 * <p>Owned by the thread that runs dom0; {@link #close()} may come from a shutdown hook.
 */
public final class ControlSocket implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlSocket.class);

    /** Linux's {@code sizeof(sun_path)} less the terminating NUL. */
    static final int MAX_PATH_BYTES = 107;

    private final Path path;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final ServerSocketChannel channel;
    private boolean closed;

    private ControlSocket(Path path, FileChannel lockFile, FileLock lock, ServerSocketChannel channel) {
        this.path = path;
        this.lockFile = lockFile;
        this.lock = lock;
        this.channel = channel;
    }

    /** The socket path to use: the option, else the environment's choice (see the class javadoc). */
    public static Path resolve(Optional<Path> option, Map<String, String> env, String user) {
        return option.orElseGet(() -> defaultPath(env, user));
    }

    /** {@code $LINGON_SOCKET}, else {@code $XDG_RUNTIME_DIR/lingon/dom0.sock}, else {@code /tmp/lingon-<user>/dom0.sock}. */
    public static Path defaultPath(Map<String, String> env, String user) {
        String explicit = env.get("LINGON_SOCKET");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "lingon", "dom0.sock");
        }
        return Path.of("/tmp", "lingon-" + user, "dom0.sock");
    }

    /**
     * Takes the socket for a new dom0: refuses when another dom0 holds it, replaces a stale socket file,
     * and binds. Connections wait in the backlog until a {@link Dom0Server} accepts them.
     *
     * @throws Dom0Exception {@code FAILED} with a message for the user when the socket cannot be taken
     */
    public static ControlSocket bind(Path path) {
        checkLength(path);
        FileChannel lockFile = null;
        try {
            createPrivateDirectories(path.toAbsolutePath().getParent());
            Path lockPath = path.resolveSibling(path.getFileName() + ".lock");
            lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                // Another dom0 in this same JVM holds it.
                lock = null;
            }
            if (lock == null) {
                throw alreadyRunning(path, holder(lockPath));
            }
            if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                replaceStale(path);
            }
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(path));
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            // The holder's pid, for the message that refuses a second dom0.
            byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            lockFile.truncate(0).write(java.nio.ByteBuffer.wrap(pid));
            return new ControlSocket(path, lockFile, lock, channel);
        } catch (Dom0Exception e) {
            closeQuietly(lockFile);
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(lockFile);
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "cannot open the control socket at " + path + ": " + e, e);
        }
    }

    /** The socket's path. */
    public Path path() {
        return path;
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** Stops listening, removes the socket file and releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(channel);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("Could not remove the control socket {}: {}", path, e.toString());
        }
        try {
            lock.release();
        } catch (IOException e) {
            log.debug("Releasing the lock of {} failed: {}", path, e.toString());
        }
        closeQuietly(lockFile);
    }

    /** Refuses a path the kernel cannot bind, with a way out, instead of a bare "path too long". */
    static void checkLength(Path path) {
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED, "the control socket path " + path + " is " + bytes
                    + " bytes long; a Unix socket path may have at most " + MAX_PATH_BYTES
                    + ". Choose a shorter one with --socket or LINGON_SOCKET");
        }
    }

    /** A socket file is there although no dom0 holds the lock; one that answers is a dom0 that predates locks. */
    private static void replaceStale(Path path) throws IOException {
        if (!isSocket(path)) {
            throw new Dom0Exception(Dom0Exception.Kind.FAILED,
                    "cannot open the control socket at " + path + ": a file that is not a socket is in the way");
        }
        try (SocketChannel _ = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw alreadyRunning(path, "");
        } catch (ConnectException refused) {
            log.info("Replacing the stale control socket {} left by a dom0 that stopped without removing it", path);
            Files.deleteIfExists(path);
        }
    }

    static boolean isSocket(Path path) throws IOException {
        Object type = Files.readAttributes(path, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS).get("mode");
        // S_IFMT / S_IFSOCK from <sys/stat.h>.
        return type instanceof Integer mode && (mode & 0170000) == 0140000;
    }

    /** " (pid N)" from the lock file the holder wrote, or "" when it cannot be read. */
    private static String holder(Path lockPath) {
        try {
            String pid = Files.readString(lockPath, StandardCharsets.US_ASCII).strip();
            return pid.matches("[0-9]+") ? " (pid " + pid + ")" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static Dom0Exception alreadyRunning(Path path, String holder) {
        return new Dom0Exception(Dom0Exception.Kind.FAILED, "dom0" + holder + " is already running with the control socket " + path
                + "; stop it first (Ctrl-C in its shell), or give this one another --socket");
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createPrivateDirectories(dir.getParent());
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException raced) {
            // Another process made it between the check and here; it is there, which is all that matters.
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.debug("Closing {} failed: {}", c, e.toString());
        }
    }
}
