package dev.lingon.xen.remote;

import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.internal.InProcessHypervisor;
import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * dom0's side of the data plane: where a file-backed hypervisor keeps each domain's pages
 * ({@link dev.lingon.xen.layout.DomainFileLayout}). {@link HypercallServer} tells a domain its own
 * file at the handshake, and for every grant it maps, the granter's file and the offset of the page,
 * which it finds by locating the page the hypervisor's map returned within the granter's mapping.
 * Implemented by the hypervisor that owns the files. Thread-safe.
 */
@FunctionalInterface
public interface DomainFiles {

    /** One domain's file: its path and dom0's own mapping of it (every page the hypervisor hands out for that domain lies in it). */
    record DomainFile(Path path, MemorySegment mapping) {
        public DomainFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(mapping, "mapping");
        }

        /**
         * Where {@code page} lies in this file, or -1 if it is not inside dom0's mapping of it (a page
         * that came from anywhere else cannot be shown to another process).
         */
        public long offsetOf(MemorySegment page) {
            if (!page.isNative() || !mapping.isNative()) {
                return -1;
            }
            long off = page.address() - mapping.address();
            return off >= 0 && off + page.byteSize() <= mapping.byteSize() ? off : -1;
        }
    }

    /** The file of that incarnation of the domain, or empty if this hypervisor keeps it in no file. */
    Optional<DomainFile> file(DomainHandle handle);

    /**
     * The files of a shared-memory hypervisor ({@link dev.lingon.xen.api.Hypervisors#sharedMemory}); for
     * any other hypervisor, no domain has a file. dom0's mapping of a domain's file is found from its
     * shared-info page, which is the file's page 0 ({@link DomainFileLayout#SHARED_INFO_PAGE}).
     */
    static DomainFiles of(Hypervisor hv) {
        Objects.requireNonNull(hv, "hv");
        if (!(hv instanceof InProcessHypervisor ih)) {
            return handle -> Optional.empty();
        }
        return handle -> ih.domainFile(handle).flatMap(path -> hv.domain(handle).map(d -> new DomainFile(path,
                d.sharedInfo().reinterpret(DomainFileLayout.fileSize(d.gnttab().maxFrames(), d.memory().maxPages())))));
    }
}
