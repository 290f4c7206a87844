package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlSocketTest {

    @TempDir
    Path dir;

    @Test
    void whereTheSocketIs() {
        assertEquals(Path.of("/run/user/1000/lingon/dom0.sock"),
                ControlSocket.defaultPath(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "ann"));
        assertEquals(Path.of("/tmp/lingon-ann/dom0.sock"), ControlSocket.defaultPath(Map.of(), "ann"));
        assertEquals(Path.of("/tmp/lingon-ann/dom0.sock"), ControlSocket.defaultPath(Map.of("XDG_RUNTIME_DIR", " "), "ann"));
        assertEquals(Path.of("/srv/d.sock"), ControlSocket.defaultPath(
                Map.of("LINGON_SOCKET", "/srv/d.sock", "XDG_RUNTIME_DIR", "/run/user/1000"), "ann"));
        assertEquals(Path.of("/opt/x.sock"), ControlSocket.resolve(Optional.of(Path.of("/opt/x.sock")),
                Map.of("LINGON_SOCKET", "/srv/d.sock"), "ann"));
        assertEquals(Path.of("/srv/d.sock"), ControlSocket.resolve(Optional.empty(), Map.of("LINGON_SOCKET", "/srv/d.sock"), "ann"));
    }

    @Test
    void bindMakesPrivateDirectoriesAndSocketAndCloseRemovesTheSocket() throws IOException {
        Path socket = dir.resolve("a/b/dom0.sock");
        try (ControlSocket s = ControlSocket.bind(socket)) {
            assertEquals(socket, s.path());
            assertTrue(ControlSocket.isSocket(socket));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve("a/b/dom0.sock.lock")));
        }
        assertFalse(Files.exists(socket));
    }

    @Test
    void aSecondDom0IsRefusedWhileTheFirstHoldsTheSocket() {
        Path socket = dir.resolve("dom0.sock");
        try (ControlSocket _ = ControlSocket.bind(socket)) {
            Dom0Exception e = assertThrows(Dom0Exception.class, () -> ControlSocket.bind(socket));
            assertEquals("dom0 (pid " + ProcessHandle.current().pid() + ") is already running with the control socket " + socket
                    + "; stop it first (Ctrl-C in its shell), or give this one another --socket", e.getMessage());
            assertTrue(Files.exists(socket), "the refused one leaves the running one's socket alone");
        }
        ControlSocket.bind(socket).close();
    }

    @Test
    void aStaleSocketFromACrashedDom0IsReplaced() throws IOException {
        Path socket = dir.resolve("dom0.sock");
        makeStale(socket);
        assertTrue(Files.exists(socket));
        try (ControlSocket _ = ControlSocket.bind(socket)) {
            assertTrue(ControlSocket.isSocket(socket));
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Path socket = dir.resolve("dom0.sock");
        Files.writeString(socket, "precious");
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ControlSocket.bind(socket));
        assertEquals("cannot open the control socket at " + socket + ": a file that is not a socket is in the way", e.getMessage());
        assertEquals("precious", Files.readString(socket));
    }

    @Test
    void aPathTooLongForAUnixSocketIsRefusedWithAWayOut() {
        Path socket = dir.resolve("x".repeat(120) + ".sock");
        Dom0Exception e = assertThrows(Dom0Exception.class, () -> ControlSocket.bind(socket));
        assertTrue(e.getMessage().startsWith("the control socket path " + socket + " is "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" bytes long; a Unix socket path may have at most 107. "
                + "Choose a shorter one with --socket or LINGON_SOCKET"), e.getMessage());
    }

    /** What a dom0 killed with SIGKILL leaves: a socket file no one listens on. */
    static void makeStale(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(socket));
        }
    }
}
