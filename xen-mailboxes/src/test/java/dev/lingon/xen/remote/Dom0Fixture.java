package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.shm.ShmDirectory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * dom0 for the client tests, in this JVM: a shared-memory hypervisor (each domain's pages in its own
 * file) served by a {@link HypercallServer} on a real Unix socket, recording what its
 * {@link HypercallServer.Listener} hears. Clients map their pages from the files, as a domain process does.
 */
final class Dom0Fixture implements AutoCloseable {
    /** One thing the listener heard. */
    record Heard(String what, DomainHandle handle, Disconnect why) {
    }

    final ShmDirectory shm;
    final Hypervisor hv;
    final Path dir;
    final HypercallServer server;
    final List<Heard> heard = new CopyOnWriteArrayList<>();

    Dom0Fixture(Path dir) {
        this.dir = dir;
        this.shm = ShmDirectory.create(dir.resolve("shm"));
        this.hv = Hypervisors.sharedMemory(shm);
        this.server = HypercallServer.start(dir.resolve("hypercalls.sock"), hv, DomainFiles.of(hv), new HypercallServer.Listener() {
            @Override
            public void onConnect(DomainHandle handle) {
                heard.add(new Heard("connect", handle, null));
            }

            @Override
            public void onDisconnect(DomainHandle handle, Disconnect why) {
                heard.add(new Heard("disconnect", handle, why));
            }
        });
    }

    /** A small domain (2 vCPUs, 64 pages, 1 grant frame), so its file stays small. */
    XenDomain create(String name) {
        return hv.domain(hv.createDomain(new DomainConfig(name, 2, 64, 1)).orThrow()).orElseThrow();
    }

    RemoteXenDomain connect(XenDomain d) {
        return RemoteXenDomain.connect(server.admit(d.handle()), ShmPageMapper.INSTANCE);
    }

    /** What the listener heard about {@code h}'s disconnection, or null. */
    Disconnect disconnectOf(DomainHandle h) {
        return heard.stream().filter(x -> x.what().equals("disconnect") && x.handle().equals(h)).map(Heard::why).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.close();
        hv.close();
        shm.close();
    }
}
