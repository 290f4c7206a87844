package dev.lingon.xen.internal;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.Result;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where one domain's pages come from, and so how its sleeping vCPUs are woken: the only things in
 * which the in-process and the shared-memory backends differ (DESIGN.md §3, "Backends"). Everything
 * that reads or writes the pages — {@link SharedInfoPage}, {@link VcpuPage}, {@link PortStateMirror},
 * the grant entries, {@link DomainMemory}, the vchan rings — is the same code over the segments this
 * hands out.
 * <ul>
 *   <li>{@link ArenaPageSource}: page-aligned segments from an automatic arena; only this JVM sees
 *   them, so vCPUs park. The GC frees a page once nobody holds it.</li>
 *   <li>{@link FilePageSource}: slices of the domain's file ({@link DomainFile}), mapped
 *   {@code MAP_SHARED}, so another process can map the same pages; vCPUs sleep on doorbells in the
 *   file, which any process can ring.</li>
 * </ul>
 * Life cycle: {@link #retire} when the domain is destroyed (no new process may find the pages); the
 * pages themselves live while anything in this JVM reaches them and the GC frees or unmaps them after,
 * so a page a peer still maps, or that the destroyed domain's own code touches while it winds down,
 * stays valid, as a mapped page outlives its granter in Xen. Thread-safe.
 */
sealed interface PageSource permits ArenaPageSource, FilePageSource {

    /** The shared-info page. */
    MemorySegment sharedInfoPage();

    /** The vCPU page ({@link dev.lingon.xen.layout.DomainFileLayout}: doorbells, kick words, poll mask, run state). */
    MemorySegment vcpuPage();

    /** The port-state mirror: {@link dev.lingon.xen.layout.DomainFileLayout#PORT_MIRROR_PAGES} pages (words, then notify vCPUs). */
    MemorySegment portStatePages();

    /** Grant frame {@code index} (from 0), backed by memory now; ENOMEM when it cannot be. */
    Result<MemorySegment> grantFrame(int index);

    /** A zeroed page for pseudo-physical frame {@code frame} (1 .. max pages), backed now; ENOMEM when it cannot be. */
    Result<MemorySegment> frame(int frame);

    /** How this domain's sleeping vCPUs are woken. */
    VcpuWakeups wakeups();

    /** The file another process maps to share these pages, if there is one. */
    Optional<Path> file();

    /** The domain is destroyed: its file name goes (the pages stay mapped for whoever reaches them). */
    void retire();

    /** Makes a domain's page source; one per hypervisor. */
    interface Factory extends AutoCloseable {
        /** The pages of a new domain; ENOMEM with the reason when they cannot be had. */
        Result<PageSource> create(DomainHandle handle, DomainConfig config);

        /** The hypervisor is closing: let go of what the factory owns. */
        @Override
        default void close() {
        }
    }
}
