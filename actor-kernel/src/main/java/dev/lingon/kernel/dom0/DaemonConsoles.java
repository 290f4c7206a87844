package dev.lingon.kernel.dom0;

import dev.lingon.kernel.dom0.console.ConsoleDaemon;
import dev.lingon.xen.api.Result;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/** The toolstack's {@link ConsoleService} on dom0's {@link ConsoleDaemon}. */
public final class DaemonConsoles implements ConsoleService {
    private static final Logger log = LoggerFactory.getLogger(DaemonConsoles.class);
    private final ConsoleDaemon daemon;

    public DaemonConsoles(ConsoleDaemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public void attach(int domid) {
        Result<?> r = daemon.attach(domid);
        if (!r.isOk()) {
            log.warn("cannot attach to the console of dom{}: {}", domid, r);
        }
    }

    @Override
    public void detach(int domid) {
        daemon.detach(domid);
    }

    @Override
    public AutoCloseable subscribe(int domid, boolean follow, Consumer<String> lines) {
        return daemon.subscribe(domid, follow, lines);
    }

    @Override
    public void close() {
        daemon.close();
    }
}
