package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.XenDomain;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * dom0's end of the process backend's hypercall path: a Unix-domain socket on which each domain's
 * process makes its hypercalls ({@link HypercallLayout}). dom0 {@linkplain #admit admits} a domain before
 * launching its process and hands it a {@link LaunchTicket}; the process's first frame presents the
 * ticket's one-time token, and from then on its connection speaks for that domain and no other. Every
 * request is carried out by calling the domain's own {@link XenDomain} of the dom0-side
 * {@link Hypervisor}, so every permission check of the hypervisor applies unchanged and its answers
 * (EPERM, EINVAL, ESRCH, GNTST_* …) travel back as values.
 *
 * <p>One connection per domain, multiplexed: the domain's vCPU threads may each have a call in flight,
 * told apart by request ids. dom0 serves a connection's requests one at a time on that connection's
 * own thread, in arrival order; that is enough because no hypercall waits in dom0 — {@code SCHEDOP_block}
 * and {@code SCHEDOP_poll} wait in the domain's own process, on doorbells in its shared-memory file.
 *
 * <p>When a bound connection ends for any reason — the process exited or was killed, it sent a
 * malformed frame (it is told why first), its socket failed, it stopped reading, or dom0 closed it —
 * the {@link Listener} hears which domain and why: dom0 treats that domain as crashed. A malformed
 * frame ends that connection only.
 *
 * <p>Threads: one platform thread accepts; each connection has a platform thread that reads and serves
 * its requests and a virtual thread that writes what dom0 pushes (state changes, XenStore watch
 * events), so a domain that stops reading never holds up a dom0 thread — after
 * {@link #MAX_BACKLOG} unsent pushes it is disconnected. Thread-safe.
 */
public final class HypercallServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HypercallServer.class);

    /** Pushes that may wait for a domain that does not read its socket before dom0 drops it. */
    public static final int MAX_BACKLOG = 4096;

    /** Hears about each domain's connection; called on the connection's threads, outside any lock. */
    public interface Listener {
        /** The domain's process presented its token and is now bound to its connection. */
        default void onConnect(DomainHandle handle) {
        }

        /** The domain's connection ended; dom0 should treat the domain as crashed. */
        void onDisconnect(DomainHandle handle, Disconnect why);
    }

    /** The outcome of a hello. */
    sealed interface Admission {
        record Admitted(XenDomain domain, DomainFiles.DomainFile file) implements Admission {
        }

        record Refused(Errno errno, String reason) implements Admission {
        }
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Hypervisor hv;
    private final DomainFiles files;
    private final Listener listener;
    private final SecureRandom random;
    /** Tokens issued and not yet spent. */
    private final Map<DomainHandle, byte[]> tokens = new ConcurrentHashMap<>();
    private final Map<DomainHandle, DomainLink> bound = new ConcurrentHashMap<>();
    private final Set<DomainLink> links = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private HypercallServer(Path path, ServerSocketChannel server, Hypervisor hv, DomainFiles files, Listener listener, SecureRandom random) {
        this.path = path;
        this.server = server;
        this.hv = hv;
        this.files = files;
        this.listener = listener;
        this.random = random;
        this.acceptor = Thread.ofPlatform().name("lingon-hypercall-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /**
     * Listens at {@code socket} and serves the domains of {@code hv}, whose pages {@code files} locates.
     * A stale socket file (no server behind it) is replaced; a live one is an error.
     */
    public static HypercallServer start(Path socket, Hypervisor hv, DomainFiles files, Listener listener) {
        return start(socket, hv, files, listener, new SecureRandom());
    }

    /** As {@link #start(Path, Hypervisor, DomainFiles, Listener)}, drawing tokens from {@code random}. */
    public static HypercallServer start(Path socket, Hypervisor hv, DomainFiles files, Listener listener, SecureRandom random) {
        Objects.requireNonNull(hv, "hv");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(random, "random");
        ServerSocketChannel ch = bind(socket);
        HypercallServer s = new HypercallServer(socket, ch, hv, files, listener, random);
        s.acceptor.start();
        log.debug("hypercall server listening at {}", socket);
        return s;
    }

    private static ServerSocketChannel bind(Path socket) {
        try {
            if (Files.exists(socket)) {
                try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    throw new IllegalStateException("another dom0 already serves hypercalls at " + socket
                            + "; stop it or choose another socket path");
                } catch (IOException refused) {
                    log.info("replacing the stale hypercall socket {} (nothing listens on it)", socket);
                    Files.deleteIfExists(socket);
                }
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(socket));
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for hypercalls at " + socket + ": " + e.getMessage(), e);
        }
    }

    public Path socketPath() {
        return path;
    }

    /**
     * Issues a fresh one-time token for {@code handle}'s process (replacing one not yet spent) and the
     * ticket to launch it with.
     * @throws IllegalArgumentException if that incarnation of the domain does not exist
     * @throws IllegalStateException if the domain is already connected
     */
    public LaunchTicket admit(DomainHandle handle) {
        Objects.requireNonNull(handle, "handle");
        if (closed) {
            throw new IllegalStateException("the hypercall server at " + path + " is closed");
        }
        if (hv.domain(handle).isEmpty()) {
            throw new IllegalArgumentException("cannot admit " + handle + ": no such domain (destroyed, or never created)");
        }
        if (bound.containsKey(handle)) {
            throw new IllegalStateException(handle + " is already connected; a domain has exactly one hypercall connection");
        }
        byte[] token = new byte[HypercallLayout.TOKEN_LENGTH];
        random.nextBytes(token);
        tokens.put(handle, token);
        return new LaunchTicket(path, handle, token);
    }

    /** Withdraws an unspent token (the launch failed, or the domain went before its process connected). */
    public void revoke(DomainHandle handle) {
        tokens.remove(handle);
    }

    /** Whether {@code handle}'s process is connected now. */
    public boolean isConnected(DomainHandle handle) {
        return bound.containsKey(handle);
    }

    /** Requests {@code handle}'s connection has carried after its hello (0 when not connected): a diagnostic. */
    public long requestsServed(DomainHandle handle) {
        DomainLink l = bound.get(handle);
        return l == null ? 0 : l.served();
    }

    /** Ends {@code handle}'s connection (its listener hears {@link Disconnect.ClosedByDom0}); false if it had none. */
    public boolean disconnect(DomainHandle handle) {
        DomainLink l = bound.get(handle);
        if (l == null) {
            return false;
        }
        l.close(new Disconnect.ClosedByDom0());
        return true;
    }

    /** Stops accepting, ends every connection and removes the socket file. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            log.debug("closing the hypercall socket {} failed: {}", path, e.toString());
        }
        for (DomainLink l : links) {
            l.close(new Disconnect.ClosedByDom0());
        }
        try {
            acceptor.join();
            Files.deleteIfExists(path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("cannot remove the hypercall socket {}: {}", path, e.toString());
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    log.error("accepting on the hypercall socket {} failed; no further domain can connect: {}", path, e.toString());
                }
                return;
            }
            DomainLink link = new DomainLink(this, hv, new FrameChannel(ch));
            links.add(link);
            if (closed) {
                link.close(new Disconnect.ClosedByDom0()); // close() may have swept the set before this one was added
            } else {
                link.start();
            }
        }
    }

    // ---------------------------------------------------------------- called by links

    /** Checks a hello and, if it holds, spends the token and binds {@code link} to the domain. */
    Admission claim(Request.Hello hello, DomainLink link) {
        if (hello.version() != HypercallLayout.VERSION) {
            return new Admission.Refused(Errno.EINVAL, "hypercall protocol version " + hello.version()
                    + " is not spoken here (this dom0 speaks " + HypercallLayout.VERSION + "); run the domain with the same Lingon as dom0");
        }
        DomainHandle handle = new DomainHandle(hello.domid(), hello.generation());
        synchronized (tokens) {
            Optional<XenDomain> xd = hv.domain(handle);
            if (xd.isEmpty()) {
                return new Admission.Refused(Errno.ESRCH, handle + " does not exist (it was destroyed, or restarted as a newer generation)");
            }
            byte[] expected = tokens.get(handle);
            if (expected == null) {
                return new Admission.Refused(Errno.EACCES, "dom0 issued no launch token for " + handle
                        + ", or it was spent by an earlier connection: a domain's process connects once");
            }
            if (!MessageDigest.isEqual(expected, hello.token())) {
                return new Admission.Refused(Errno.EACCES, "the launch token does not match the one dom0 issued for " + handle
                        + ": this process was not launched as that domain");
            }
            Optional<DomainFiles.DomainFile> file = files.file(handle);
            if (file.isEmpty()) {
                return new Admission.Refused(Errno.ENODEV, "dom0 keeps no shared-memory file for " + handle
                        + ": a domain process needs dom0 to run a file-backed hypervisor (see DomainFiles)");
            }
            tokens.remove(handle);
            bound.put(handle, link);
            return new Admission.Admitted(xd.get(), file.get());
        }
    }

    DomainFiles files() {
        return files;
    }

    void connected(DomainHandle handle) {
        log.debug("{} connected for hypercalls", handle);
        try {
            listener.onConnect(handle);
        } catch (RuntimeException e) {
            log.warn("the hypercall listener failed on the connection of {}", handle, e);
        }
    }

    void closed(DomainLink link, DomainHandle handle, Disconnect why) {
        links.remove(link);
        if (handle == null) {
            return;
        }
        bound.remove(handle, link);
        if (why instanceof Disconnect.ClosedByDom0) {
            log.debug("{}: hypercall connection closed by dom0", handle);
        } else {
            log.info("{} lost its hypercall connection: {}", handle, why.describe());
        }
        try {
            listener.onDisconnect(handle, why);
        } catch (RuntimeException e) {
            log.warn("the hypercall listener failed on the disconnection of {}", handle, e);
        }
    }
}
