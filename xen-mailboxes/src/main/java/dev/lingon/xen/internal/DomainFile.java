package dev.lingon.xen.internal;

import static dev.lingon.xen.layout.DomainFileLayout.*;

import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.layout.DomainFileLayout;
import dev.lingon.xen.shm.Doorbell;
import dev.lingon.xen.shm.ShmFile;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A domain's shared-memory file ({@link DomainFileLayout}), mapped: how dom0 creates it at domain
 * creation and how any other process (the domain's own, a peer domain's) opens it to see the same
 * pages. It gives the views the data plane works with — {@link #sharedInfo()}, {@link #vcpuPage()},
 * {@link #portState}, grant frames, pseudo-physical frames — and {@link #events()}, which raises an
 * event in this domain and rings the doorbells of the vCPUs that must wake, exactly as dom0 does.
 *
 * <p>Who writes what. Any process: pending bits, selectors and upcall_pending only through
 * {@link #events()} (atomics, then the rings), doorbells and kicked words the same way. The domain's
 * own process: its mask bits, its vCPUs' upcall bytes and selectors as a guest does
 * ({@link SharedInfoPage}), its vCPUs' poll_mask bits and poll_evtchn ({@link VcpuPage}), its grant
 * entries, its frames. A peer: only frames granted to it, through a mapping dom0 authorised. dom0
 * alone: the header, the run state, the port-state mirror and GTF_reading/GTF_writing.
 *
 * <p>Thread-safe. Closing a file {@link #open}ed here unmaps it (every view becomes inaccessible);
 * the hypervisor's own mapping ({@link #create}) is unmapped by the GC once unreachable.
 */
public final class DomainFile implements AutoCloseable {
    private final ShmFile file;
    private final int domid;
    private final long generation;
    private final int vcpus;
    private final int maxGrantFrames;
    private final int maxPages;
    private final SharedInfoPage sharedInfo;
    private final VcpuPage vcpuPage;
    private final PortStateMirror portStates;
    private final DoorbellWakeups doorbells;
    private final EventDelivery events;

    private DomainFile(ShmFile file, int domid, long generation, int vcpus, int maxGrantFrames, int maxPages) {
        this.file = file;
        this.domid = domid;
        this.generation = generation;
        this.vcpus = vcpus;
        this.maxGrantFrames = maxGrantFrames;
        this.maxPages = maxPages;
        MemorySegment all = file.segment();
        this.sharedInfo = new SharedInfoPage(all.asSlice((long) SHARED_INFO_PAGE * PAGE_SIZE, PAGE_SIZE));
        this.vcpuPage = new VcpuPage(all.asSlice((long) VCPU_PAGE * PAGE_SIZE, PAGE_SIZE));
        this.portStates = new PortStateMirror(all.asSlice((long) PORT_STATE_PAGE * PAGE_SIZE, (long) PORT_MIRROR_PAGES * PAGE_SIZE));
        this.doorbells = new DoorbellWakeups(vcpuPage, vcpus);
        this.events = new EventDelivery(sharedInfo, vcpuPage, doorbells, vcpus);
    }

    /**
     * dom0: creates the file of a new domain at {@code path} (which must not exist), backs its fixed
     * pages and first grant frame with memory, and writes the header. Throws
     * {@link java.io.UncheckedIOException} naming the file, its size and the free space when it cannot
     * (a full {@code /dev/shm}, say); nothing is left behind then. dom0's mapping belongs to the GC
     * ({@link ShmFile#createCollected}): it lives while any page of it is reachable in this JVM, and
     * {@link #close} leaves it alone.
     */
    public static DomainFile create(Path path, DomainHandle handle, int vcpus, int maxGrantFrames, int maxPages) {
        ShmFile f = ShmFile.createCollected(path, fileSize(maxGrantFrames, maxPages));
        try {
            f.allocate(0, (long) (GRANT_FRAMES_PAGE + 1) * PAGE_SIZE);
            DomainFile d = new DomainFile(f, handle.domid(), handle.generation(), vcpus, maxGrantFrames, maxPages);
            d.vcpuPage.writeHeader(handle.domid(), handle.generation(), vcpus, maxGrantFrames, maxPages);
            return d;
        } catch (RuntimeException e) {
            f.close();
            ShmFile.delete(path);
            throw e;
        }
    }

    /**
     * Any process: maps an existing domain file and checks it is one (magic, layout version, size);
     * {@link IllegalArgumentException} saying what is wrong otherwise.
     */
    public static DomainFile open(Path path) {
        ShmFile f = ShmFile.open(path);
        try {
            long size = f.segment().byteSize();
            if (size < (long) GRANT_FRAMES_PAGE * PAGE_SIZE) {
                throw new IllegalArgumentException(path + " is " + size + " bytes, too small for a Lingon domain file; open a dom<id>-g<generation>.mem that dom0 created");
            }
            VcpuPage header = new VcpuPage(f.segment().asSlice((long) VCPU_PAGE * PAGE_SIZE, PAGE_SIZE));
            if (header.magic() != MAGIC) {
                throw new IllegalArgumentException(path + " is not a Lingon domain file (magic 0x" + Integer.toHexString(header.magic())
                        + ", expected 0x" + Integer.toHexString(MAGIC) + "); open a dom<id>-g<generation>.mem that dom0 created");
            }
            if (header.version() != VERSION) {
                throw new IllegalArgumentException(path + " has domain-file layout version " + header.version() + " but this code reads version "
                        + VERSION + "; run dom0 and the domains from the same build");
            }
            long expected = fileSize(header.maxGrantFrames(), header.maxPages());
            if (size != expected) {
                throw new IllegalArgumentException(path + " is " + size + " bytes but its header (" + header.maxGrantFrames() + " grant frames, "
                        + header.maxPages() + " pages) says " + expected);
            }
            return new DomainFile(f, header.domid(), header.generation(), header.vcpus(), header.maxGrantFrames(), header.maxPages());
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    public Path path() {
        return file.path();
    }

    public int domid() {
        return domid;
    }

    public long generation() {
        return generation;
    }

    public int vcpus() {
        return vcpus;
    }

    public int maxGrantFrames() {
        return maxGrantFrames;
    }

    public int maxPages() {
        return maxPages;
    }

    /** The whole mapping. */
    public MemorySegment segment() {
        return file.segment();
    }

    public SharedInfoPage sharedInfo() {
        return sharedInfo;
    }

    public VcpuPage vcpuPage() {
        return vcpuPage;
    }

    PortStateMirror portStates() {
        return portStates;
    }

    /** Port {@code port}'s state word (acquire); decode with {@link DomainFileLayout#stateOf} and friends. */
    public int portState(int port) {
        return portStates.read(port);
    }

    /** Port {@code port}'s notify vCPU; read after {@link #portState}. */
    public int notifyVcpu(int port) {
        return portStates.notifyVcpu(port);
    }

    /** vCPU {@code vcpu}'s doorbell. */
    public Doorbell doorbell(int vcpu) {
        return doorbells.doorbell(vcpu);
    }

    DoorbellWakeups doorbells() {
        return doorbells;
    }

    /** Raise events in this domain and wake its vCPUs, from any process. */
    public EventDelivery events() {
        return events;
    }

    /** Grant frame {@code index} (from 0). */
    public MemorySegment grantFrame(int index) {
        if (index < 0 || index >= maxGrantFrames) {
            throw new IllegalArgumentException("dom" + domid + " has grant frames 0.." + (maxGrantFrames - 1) + ", not " + index);
        }
        return file.segment().asSlice(grantFrameOffset(index), PAGE_SIZE);
    }

    /** Pseudo-physical frame {@code frame} (1 .. max pages); its bytes mean something only while allocated. */
    public MemorySegment frame(int frame) {
        if (frame < 1 || frame > maxPages) {
            throw new IllegalArgumentException("dom" + domid + " has frames 1.." + maxPages + ", not " + frame);
        }
        return file.segment().asSlice(frameOffset(maxGrantFrames, frame), PAGE_SIZE);
    }

    /** Backs a page of the file with memory now (see {@link ShmFile#allocate}). */
    void allocate(long offset, long length) {
        file.allocate(offset, length);
    }

    /** Unmaps the file in this process if it was {@link #open}ed; the GC unmaps a {@link #create}d one. */
    @Override
    public void close() {
        file.close();
    }

    /** Removes the file's name; mappings stay valid until closed. */
    void delete() {
        ShmFile.delete(file.path());
    }

    @Override
    public String toString() {
        return "DomainFile[" + path() + ", dom" + domid + "#" + generation + "]";
    }
}
