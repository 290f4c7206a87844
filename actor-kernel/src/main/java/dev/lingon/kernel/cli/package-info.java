/**
 * The {@code lingon} command line: dom0's toolstack in the manner of Xen's {@code xl}, and dom0's
 * control socket through which a second shell drives a running dom0.
 *
 * <h2>Commands</h2>
 * <pre>
 * lingon run [--exit-when-idle] [-c] [CONFIG…]   dom0 and its domains in the foreground, until Ctrl-C
 * lingon create [-c] CONFIG                      create and boot a domain in the running dom0
 * lingon list [DOMAIN…]                          xl's table: Name ID Mem VCPUs State Time(s)
 * lingon console [--no-follow] DOMAIN            the console lines kept so far, then new ones
 * lingon shutdown [-w [--timeout S]] DOMAIN      poweroff through control/shutdown
 * lingon reboot [-w [--timeout S]] DOMAIN        reboot through control/shutdown
 * lingon destroy | pause | unpause DOMAIN
 * lingon top [--interval MS] [-i N] [-b]         per-domain scheduler figures, refreshing
 * lingon demo [ARGS…]                            the demo on the class path ({@link dev.lingon.kernel.cli.Demo})
 * </pre>
 * A domain is named by name or by domid. Every command takes {@code --socket PATH} (before or after
 * the command name) and {@code --help}.
 *
 * <p><b>Output.</b> {@code list} prints xl's header and rows byte for byte ({@code %-40s %5d %5d %5d}
 * then the six state columns {@code rbpscd} with {@code -} for the others, then the uptime in seconds
 * as {@code %8.1f}). {@code create} prints {@code Created domain NAME (id N).}; the lifecycle commands
 * print nothing on success, as xl's do. {@code console} prints each line as it comes and ends when that
 * domain instance is gone (a restarted domain has a new id). {@code top} redraws the screen on a
 * terminal, and prints samples one below the other otherwise or with {@code -b}.
 *
 * <p><b>Errors and exit codes.</b> 0 success; 1 failure, with exactly one line on standard error,
 * {@code lingon: } and the reason: an unknown domain, dom0 not running
 * ({@code dom0 is not running: no control socket at …; start it with `lingon run <config...>`}), a bad
 * config (the {@link dev.lingon.kernel.config.ConfigException} message, {@code web.cfg:5: …}), or the
 * toolstack's own {@link dev.lingon.kernel.api.Dom0Exception} message; 2 wrong usage (picocli's
 * message and the usage).
 *
 * <h2>The control socket</h2>
 * A Unix domain socket at {@code --socket}, else {@code $LINGON_SOCKET}, else
 * {@code $XDG_RUNTIME_DIR/lingon/dom0.sock}, else {@code /tmp/lingon-<user>/dom0.sock}
 * ({@link dev.lingon.kernel.cli.ControlSocket}). One dom0 holds it at a time, under a lock on
 * {@code <socket>.lock}; a socket file left by a dom0 that died is detected (its lock is free and it
 * refuses connections) and replaced, and a second {@code run} is refused while the first runs.
 * {@link dev.lingon.kernel.cli.Dom0Server} serves any {@link dev.lingon.kernel.api.Dom0Api} there;
 * {@link dev.lingon.kernel.cli.Dom0Client} is a {@code Dom0Api} over it, so every command is written once
 * against {@code Dom0Api}.
 *
 * <p><b>Protocol.</b> One request per connection. Frames are a big-endian {@code u32} length and a
 * payload; a request payload starts with the protocol version (1) and a tag, a response payload with a
 * tag; fields are big-endian integers and length-prefixed UTF-8 strings, enumerations by name (the full
 * layout is in {@link dev.lingon.kernel.cli.Wire}). Each request gets one response and the connection
 * closes, except a console: a line frame per kept line, then {@code done}, then (when following) a
 * line frame per new line until the client closes the connection. A failure answers
 * {@code failure(kind, message)} with the {@link dev.lingon.kernel.api.Dom0Exception.Kind}.
 *
 * <h2>Hooks</h2>
 * {@code run} boots dom0 through a {@link dev.lingon.kernel.cli.Dom0Launcher}, and {@code demo} runs a
 * {@link dev.lingon.kernel.cli.Demo}; both are found with {@link java.util.ServiceLoader} (or given in a
 * {@link dev.lingon.kernel.cli.LingonEnvironment}), so this package does not depend on the toolstack
 * or the demo. On SIGINT/SIGTERM, {@code run} closes the control socket, then dom0, before the JVM exits.
 */
package dev.lingon.kernel.cli;
