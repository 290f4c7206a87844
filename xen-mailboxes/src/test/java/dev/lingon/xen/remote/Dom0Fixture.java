package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.shm.ShmFile;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * dom0 for the client tests, in this JVM: an in-process hypervisor served by a {@link HypercallServer}
 * on a real Unix socket, recording what its {@link HypercallServer.Listener} hears.
 *
 * <p>The in-process hypervisor keeps pages in an arena, not in files, so this fixture fakes the data
 * plane: each domain gets a real, sparse file of {@link DomainFileLayout} size (what its client maps as
 * its own file, so shared info, doorbells and frames have a place), and "the granter's file" of a grant
 * is the whole address space of this JVM: the offset dom0 answers for a mapped grant is the page's
 * address, and {@link #PAGES} maps it back. Valid only while client and dom0 share a JVM; the
 * file-backed hypervisor of the {@code shm} branch replaces both.
 */
final class Dom0Fixture implements AutoCloseable {
    /** This JVM's address space, as one "file". */
    static final MemorySegment ADDRESS_SPACE = MemorySegment.ofAddress(0).reinterpret(Long.MAX_VALUE);

    /** A client's pages when dom0 runs in the same JVM: its own file mapped for real, foreign pages by address. */
    static final PageMapper PAGES = new PageMapper() {
        @Override
        public Mapping mapOwn(Path file) {
            return ShmPageMapper.INSTANCE.mapOwn(file);
        }

        @Override
        public Mapping mapForeign(Path file, long offset, long length, boolean readonly) {
            MemorySegment page = MemorySegment.ofAddress(offset).reinterpret(length);
            MemorySegment view = readonly ? page.asReadOnly() : page;
            return new Mapping() {
                @Override
                public MemorySegment segment() {
                    return view;
                }

                @Override
                public Path file() {
                    return file;
                }

                @Override
                public void close() {
                }
            };
        }
    };

    /** One thing the listener heard. */
    record Heard(String what, DomainHandle handle, Disconnect why) {
    }

    final Hypervisor hv = Hypervisors.inProcess();
    final Path dir;
    final HypercallServer server;
    final List<Heard> heard = new CopyOnWriteArrayList<>();
    private final Map<DomainHandle, ShmFile> files = new ConcurrentHashMap<>();

    Dom0Fixture(Path dir) {
        this.dir = dir;
        this.server = HypercallServer.start(dir.resolve("hypercalls.sock"), hv, this::file, new HypercallServer.Listener() {
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

    private Optional<DomainFiles.DomainFile> file(DomainHandle h) {
        return hv.domain(h).map(d -> new DomainFiles.DomainFile(ownFile(d).path(), ADDRESS_SPACE));
    }

    /** The domain's own file, created on first use. */
    ShmFile ownFile(XenDomain d) {
        return files.computeIfAbsent(d.handle(), h -> ShmFile.create(dir.resolve(DomainFileLayout.fileName(h.domid(), h.generation())),
                DomainFileLayout.fileSize(d.gnttab().maxFrames(), d.memory().maxPages())));
    }

    /** A small domain (64 pages, 1 grant frame), so its file stays small. */
    XenDomain create(String name) {
        return hv.domain(hv.createDomain(new DomainConfig(name, 2, 64, 1)).orThrow()).orElseThrow();
    }

    RemoteXenDomain connect(XenDomain d) {
        return RemoteXenDomain.connect(server.admit(d.handle()), PAGES);
    }

    /** What the listener heard about {@code h}'s disconnection, or null. */
    Disconnect disconnectOf(DomainHandle h) {
        return heard.stream().filter(x -> x.what().equals("disconnect") && x.handle().equals(h)).map(Heard::why).findFirst().orElse(null);
    }

    @Override
    public void close() {
        server.close();
        hv.close();
        files.values().forEach(ShmFile::close);
    }
}
