package dev.lingon.xen.internal;

import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pages of the in-process backend: page-aligned, zeroed segments from an automatic arena. A page
 * another domain still maps stays valid after this domain is gone, because the GC frees it only once
 * nobody holds it — so {@link #retire} has nothing to do.
 */
final class ArenaPageSource implements PageSource {
    static final Factory FACTORY = (handle, config) -> Result.ok(new ArenaPageSource(config.vcpus()));

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment sharedInfo = page();
    private final MemorySegment vcpuPage = page();
    private final MemorySegment portStates = arena.allocate((long) DomainFileLayout.PORT_MIRROR_PAGES * Memory.PAGE_SIZE, Memory.PAGE_SIZE);
    private final ParkWakeups wakeups;

    ArenaPageSource(int vcpus) {
        this.wakeups = new ParkWakeups(vcpus);
    }

    private MemorySegment page() {
        return arena.allocate(Memory.PAGE_SIZE, Memory.PAGE_SIZE);
    }

    @Override
    public MemorySegment sharedInfoPage() {
        return sharedInfo;
    }

    @Override
    public MemorySegment vcpuPage() {
        return vcpuPage;
    }

    @Override
    public MemorySegment portStatePages() {
        return portStates;
    }

    @Override
    public Result<MemorySegment> grantFrame(int index) {
        return Result.ok(page());
    }

    @Override
    public Result<MemorySegment> frame(int frame) {
        return Result.ok(page());
    }

    @Override
    public VcpuWakeups wakeups() {
        return wakeups;
    }

    @Override
    public Optional<Path> file() {
        return Optional.empty();
    }

    @Override
    public void retire() {
    }
}
