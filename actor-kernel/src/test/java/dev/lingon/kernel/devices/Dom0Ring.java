package dev.lingon.kernel.devices;

import static dev.lingon.xen.layout.ConsoleLayout.OUT_CONS_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_PROD_OFFSET;
import static dev.lingon.xen.layout.ConsoleLayout.OUT_SIZE;

import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.layout.GrantEntryLayout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * dom0's side of one console ring, by hand: maps grant ref 0 of the domain, binds its console port,
 * and reads or consumes the {@code out} ring. A stand-in for the console daemon in device tests.
 * Owned by the test thread.
 */
final class Dom0Ring implements AutoCloseable {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final XenDomain dom0;
    private final MapResult.Mapped mapping;
    final int port;

    private Dom0Ring(XenDomain dom0, MapResult.Mapped mapping, int port) {
        this.dom0 = dom0;
        this.mapping = mapping;
        this.port = port;
    }

    static Dom0Ring attach(XenDomain dom0, int domid, int remotePort) {
        MapResult.Mapped m = dom0.gnttab().map(domid, GrantEntryLayout.GNTTAB_RESERVED_CONSOLE, false).orThrow();
        int port = dom0.evtchn().bindInterdomain(domid, remotePort).orThrow();
        return new Dom0Ring(dom0, m, port);
    }

    MemorySegment page() {
        return mapping.page();
    }

    int prod() {
        return (int) INT.getVolatile(page(), (long) OUT_PROD_OFFSET);
    }

    int cons() {
        return (int) INT.getVolatile(page(), (long) OUT_CONS_OFFSET);
    }

    /** The bytes between out_cons and out_prod, as text. */
    String unread() {
        return text(cons(), prod());
    }

    private String text(int cons, int prod) {
        int n = prod - cons;
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = page().get(ValueLayout.JAVA_BYTE, OUT_OFFSET + ((cons + i) & (OUT_SIZE - 1)));
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Reads everything unread, advances out_cons and notifies the domain, as xenconsoled does. */
    String consume() {
        int prod = prod();
        String s = text(cons(), prod);
        INT.setVolatile(page(), (long) OUT_CONS_OFFSET, prod);
        dom0.evtchn().send(port).orThrow("notify the domain");
        return s;
    }

    boolean pending() {
        return dom0.evtchn().testAndClearPending(port);
    }

    @Override
    public void close() {
        dom0.evtchn().close(port);
        dom0.gnttab().unmap(mapping.handle());
    }
}
