package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainHandle;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * What dom0 hands a domain's process when it launches it ({@link HypercallServer#admit}): where to
 * reach dom0, which domain the process is, and the one-time token that proves it. The process presents
 * it once, in {@code LINGON_hello}; after that the token is spent. Passed in the child's environment
 * (not its command line, which every user of the host can read in {@code ps}).
 */
public record LaunchTicket(Path socket, DomainHandle handle, byte[] token) {
    public static final String ENV_SOCKET = "LINGON_HYPERCALL_SOCKET";
    public static final String ENV_DOMID = "LINGON_DOMID";
    public static final String ENV_GENERATION = "LINGON_GENERATION";
    public static final String ENV_TOKEN = "LINGON_LAUNCH_TOKEN";

    public LaunchTicket {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(token, "token");
        if (token.length != HypercallLayout.TOKEN_LENGTH) {
            throw new IllegalArgumentException("a launch token is " + HypercallLayout.TOKEN_LENGTH + " bytes, got " + token.length);
        }
        token = token.clone();
    }

    @Override
    public byte[] token() {
        return token.clone();
    }

    /** The variables to put in the domain process's environment. */
    public Map<String, String> environment() {
        return Map.of(ENV_SOCKET, socket.toString(),
                ENV_DOMID, Integer.toString(handle.domid()),
                ENV_GENERATION, Long.toString(handle.generation()),
                ENV_TOKEN, HexFormat.of().formatHex(token));
    }

    /** The ticket a launched process finds in its environment ({@code System.getenv()}). */
    public static LaunchTicket fromEnvironment(Map<String, String> env) {
        String socket = required(env, ENV_SOCKET);
        String domid = required(env, ENV_DOMID);
        String generation = required(env, ENV_GENERATION);
        String token = required(env, ENV_TOKEN);
        try {
            return new LaunchTicket(Path.of(socket), new DomainHandle(Integer.parseInt(domid), Long.parseLong(generation)),
                    HexFormat.of().parseHex(token));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the launch ticket in the environment is malformed (" + e.getMessage()
                    + "); this process must be started by dom0's toolstack", e);
        }
    }

    private static String required(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(name + " is not set: a domain process is started by dom0's toolstack,"
                    + " which puts its launch ticket (" + ENV_SOCKET + ", " + ENV_DOMID + ", " + ENV_GENERATION + ", "
                    + ENV_TOKEN + ") in its environment");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LaunchTicket t && t.socket.equals(socket) && t.handle.equals(handle) && Arrays.equals(t.token, token);
    }

    @Override
    public int hashCode() {
        return Objects.hash(socket, handle, Arrays.hashCode(token));
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "LaunchTicket[" + handle + " via " + socket + "]";
    }
}
