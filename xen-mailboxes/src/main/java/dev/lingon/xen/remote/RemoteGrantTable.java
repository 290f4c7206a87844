package dev.lingon.xen.remote;

import dev.lingon.xen.api.EndAccess;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.GntCopy;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.GrantTable;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.Memory;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.layout.DomainFileLayout;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A remote domain's grant table. Every operation is a call to dom0, which owns the table and checks
 * each map (grantee, read-only, validity) exactly as for a domain in its own JVM. A successful map
 * names the page's place in the granter's file; this process maps that page and nothing else of the
 * granter's, read-only when the map is. Unmapping unmaps it here too, so a later touch fails as an
 * unmapped page faults under Xen. Thread-safe.
 */
final class RemoteGrantTable implements GrantTable {
    private final RemoteXenDomain d;
    /** This process's mapping of each granted page it holds, by grant handle. */
    private final Map<Integer, PageMapper.Mapping> mappings = new ConcurrentHashMap<>();

    RemoteGrantTable(RemoteXenDomain d) {
        this.d = d;
    }

    @Override
    public Result<Integer> grantAccess(int domid, int frame, boolean readonly) {
        return d.value(new Request.GrantForeignAccess(domid, frame, readonly));
    }

    @Override
    public Result<Integer> grantAccessAt(int ref, int domid, int frame, boolean readonly) {
        return d.value(new Request.GrantForeignAccessRef(ref, domid, frame, readonly));
    }

    @Override
    public EndAccess endAccess(int ref) {
        return d.count(new Request.EndForeignAccessRef(ref)) == 0 ? EndAccess.ENDED : EndAccess.STILL_MAPPED;
    }

    @Override
    public boolean endAccessDeferred(int ref) {
        return d.count(new Request.EndForeignAccess(ref)) == 1;
    }

    @Override
    public int retryDeferred() {
        return d.count(new Request.RetryDeferred());
    }

    @Override
    public int deferredCount() {
        return d.count(new Request.DeferredCount());
    }

    @Override
    public MapResult map(int domid, int ref, boolean readonly) {
        Request req = new Request.MapGrantRef(domid, ref, readonly);
        Reply r = d.client().call(req);
        return switch (r) {
            case Reply.Gnt g when !g.status().isOkay() -> new MapResult.Refused(g.status());
            case Reply.Mapped m -> {
                PageMapper.Mapping page;
                try {
                    page = d.mapper().mapForeign(Path.of(m.file()), m.offset(), Memory.PAGE_SIZE, m.readonly());
                } catch (RuntimeException e) {
                    // dom0 has the page mapped for us; give it back rather than leak the mapping (and the grant with it).
                    d.client().call(new Request.UnmapGrantRef(m.handle()));
                    throw e;
                }
                mappings.put(m.handle(), page);
                yield new MapResult.Mapped(m.handle(), page.segment());
            }
            default -> throw d.unexpected(req, r);
        };
    }

    @Override
    public GntStatus unmap(int handle) {
        Request req = new Request.UnmapGrantRef(handle);
        Reply r = d.client().call(req);
        if (!(r instanceof Reply.Gnt g)) {
            throw d.unexpected(req, r);
        }
        if (g.status().isOkay()) {
            PageMapper.Mapping page = mappings.remove(handle);
            if (page != null) {
                page.close();
            }
        }
        return g.status();
    }

    @Override
    public GntStatus copy(GntCopy op) {
        Request req = new Request.Copy(op);
        Reply r = d.client().call(req);
        if (r instanceof Reply.Gnt g) {
            return g.status();
        }
        throw d.unexpected(req, r);
    }

    @Override
    public int nrFrames() {
        return querySize().nrFrames();
    }

    @Override
    public int maxFrames() {
        return d.maxGrantFrames();
    }

    private Reply.QuerySize querySize() {
        Request req = new Request.QuerySize();
        Reply r = d.client().call(req);
        if (r instanceof Reply.QuerySize q) {
            return q;
        }
        throw d.unexpected(req, r);
    }

    @Override
    public int activeMappings() {
        return d.count(new Request.ActiveMappings());
    }

    /**
     * Registers the notification with dom0, which carries it out when this domain is destroyed — also
     * when its process was killed, which is the case that matters. {@code page} must be a granted page
     * this domain has mapped, or one of its own frames.
     */
    @Override
    public AutoCloseable unmapNotify(MemorySegment page, long byteOffset, int port) {
        if (byteOffset < 0 || byteOffset >= Memory.PAGE_SIZE) {
            throw new IllegalArgumentException("byte offset " + byteOffset + " is outside a page");
        }
        Request.SetUnmapNotify req = null;
        for (Map.Entry<Integer, PageMapper.Mapping> e : mappings.entrySet()) {
            if (e.getValue().segment().address() == page.address()) {
                req = new Request.SetUnmapNotify(true, e.getKey(), (int) byteOffset, port);
                break;
            }
        }
        if (req == null) {
            long off = page.address() - d.file().address() - DomainFileLayout.frameOffset(d.maxGrantFrames(), 0);
            if (off <= 0 || off % Memory.PAGE_SIZE != 0 || off / Memory.PAGE_SIZE > d.maxPages()) {
                throw new IllegalArgumentException(page + " is neither a grant mapping nor a frame of " + d.handle());
            }
            req = new Request.SetUnmapNotify(false, (int) (off / Memory.PAGE_SIZE), (int) byteOffset, port);
        }
        int registration = d.value(req).orThrow();
        return () -> {
            Errno e = d.rc(new Request.ClearUnmapNotify(registration));
            if (!e.isOk()) {
                throw new IllegalStateException("dom0 has no unmap notification " + registration + " for " + d.handle() + ": " + e);
            }
        };
    }

    /** The domain is going: unmaps every granted page in this process (dom0 releases the grants when it destroys the domain). */
    void unmapAllLocally() {
        for (PageMapper.Mapping m : mappings.values()) {
            m.close();
        }
        mappings.clear();
    }
}
