package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertNoEvents;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.drain;
import static dev.lingon.xen.internal.store.XsTestSupport.drainPaths;
import static dev.lingon.xen.internal.store.XsTestSupport.makeHome;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** When watches fire, for whom, with which path, and how events reach listeners. */
class XenStoreWatchTest {
    private Xenstored xenstored;
    private XenStore dom0;
    private XenStore watcher;
    private XenStore dom5;

    @BeforeEach
    void setUp() {
        xenstored = new Xenstored();
        dom0 = xenstored.connect(0);
        watcher = xenstored.connect(0);
        makeHome(dom0, 5);
        dom5 = xenstored.connect(5);
    }

    @Test
    void aWatchFiresOnceAtRegistrationEvenForAMissingPath() {
        assertOk(watcher.watch("/nothing/here", "tok"));
        assertEquals(List.of(new WatchEvent("/nothing/here", "tok")), drain(watcher));
    }

    @Test
    void theRegistrationEventFiresEvenForAnUnreadablePath() {
        assertOk(dom5.watch("/local/domain/0/secret", "t"));
        assertOk(dom5.watch("/tool", "t"));
        assertEquals(List.of("/local/domain/0/secret", "/tool"), drainPaths(dom5));
    }

    @Test
    void aDuplicateWatchIsEexistButAnotherTokenIsANewWatch() {
        assertOk(watcher.watch("/a", "t1"));
        assertErr(Errno.EEXIST, watcher.watch("/a", "t1"));
        assertOk(watcher.watch("/a", "t2"));
        drain(watcher);
        assertOk(dom0.write("/a", "1"));
        assertEquals(List.of(new WatchEvent("/a", "t1"), new WatchEvent("/a", "t2")), drain(watcher));
    }

    @Test
    void anotherConnectionMayWatchTheSamePathAndToken() {
        assertOk(watcher.watch("/a", "t"));
        assertOk(dom0.watch("/a", "t"));
        assertOk(dom0.write("/a", "1"));
        assertEquals(List.of("/a", "/a"), drainPaths(watcher));
        assertEquals(List.of("/a", "/a"), drainPaths(dom0));
    }

    @Test
    void unwatchStopsEventsAndUnknownWatchesAreEnoent() {
        assertOk(watcher.watch("/a", "t"));
        assertErr(Errno.ENOENT, watcher.unwatch("/a", "other"));
        assertErr(Errno.ENOENT, watcher.unwatch("/b", "t"));
        assertOk(watcher.unwatch("/a", "t"));
        drain(watcher);
        assertOk(dom0.write("/a", "1"));
        assertNoEvents(watcher);
    }

    @Test
    void relativeAndAbsoluteSpellingsNameTheSameWatch() {
        assertOk(dom5.watch("data/x", "t"));
        assertErr(Errno.EEXIST, dom5.watch("/local/domain/5/data/x", "t"));
        assertOk(dom5.unwatch("/local/domain/5/data/x", "t"));
    }

    @Test
    void writesFireForThePathAndItsDescendantsOnly() {
        assertOk(watcher.watch("/a", "t"));
        drain(watcher);
        assertOk(dom0.write("/a", "1"));
        assertOk(dom0.write("/a/b", "2"));
        assertOk(dom0.write("/ab", "3"));
        assertOk(dom0.write("/other", "4"));
        assertEquals(List.of("/a", "/a/b"), drainPaths(watcher));
    }

    @Test
    void aWriteThatCreatesParentsFiresOnceForTheWrittenPath() {
        assertOk(watcher.watch("/a", "ta"));
        assertOk(watcher.watch("/a/b", "tb"));
        assertOk(watcher.watch("/a/b/c", "tc"));
        drain(watcher);
        assertOk(dom0.write("/a/b/c", "1"));
        assertEquals(List.of(new WatchEvent("/a/b/c", "ta"), new WatchEvent("/a/b/c", "tb"), new WatchEvent("/a/b/c", "tc")),
                drain(watcher));
    }

    @Test
    void aWatchOnTheRootSeesEverythingButSpecialEvents() {
        assertOk(watcher.watch("/", "root"));
        drain(watcher);
        assertOk(dom0.write("/x", "1"));
        xenstored.introduceDomain(9);
        assertEquals(List.of("/x"), drainPaths(watcher));
    }

    @Test
    void rmFiresForEachWatchedDescendantBottomUpThenForTheRoot() {
        assertOk(dom0.write("/r/a/x", "1"));
        assertOk(dom0.write("/r/a/y", "2"));
        assertOk(dom0.write("/r/b", "3"));
        assertOk(watcher.watch("/", "above"));
        assertOk(watcher.watch("/r", "root"));
        assertOk(watcher.watch("/r/b", "b"));
        assertOk(watcher.watch("/r/a", "a"));
        assertOk(watcher.watch("/r/a/x", "x"));
        assertOk(watcher.watch("/r/a/missing", "missing"));
        drain(watcher);
        assertOk(dom0.rm("/r"));
        assertEquals(List.of(
                new WatchEvent("/r/a/x", "x"),
                new WatchEvent("/r/a", "a"),
                new WatchEvent("/r/b", "b"),
                new WatchEvent("/r", "above"),
                new WatchEvent("/r", "root")), drain(watcher));
    }

    @Test
    void rmOfAMissingNodeFiresNothing() {
        assertOk(watcher.watch("/tool", "t"));
        drain(watcher);
        assertOk(dom0.rm("/tool/missing"));
        assertNoEvents(watcher);
    }

    @Test
    void setPermissionsFires() {
        assertOk(dom0.write("/p", "1"));
        assertOk(watcher.watch("/p", "t"));
        drain(watcher);
        assertOk(dom0.setPermissions("/p", List.of(XsPermission.read(0))));
        assertEquals(List.of("/p"), drainPaths(watcher));
    }

    @Test
    void eventsReachOnlyConnectionsThatMayReadTheNodeOrItsParent() {
        assertOk(dom5.watch("/", "all"));
        drain(dom5);
        assertOk(dom0.write("/local/domain/0/secret", "x"));
        assertOk(dom0.write("/tool/x", "x"));
        assertNoEvents(dom5);

        assertOk(dom0.write("/pub/hidden", "x"));
        assertOk(dom0.setPermissions("/pub", List.of(XsPermission.read(0))));
        drain(dom5);
        // hidden is n0 (copied from the root) but its parent /pub is readable: the event goes through.
        assertOk(dom0.write("/pub/hidden", "y"));
        assertEquals(List.of("/pub/hidden"), drainPaths(dom5));
        assertOk(dom0.write("/pub/hidden/deeper", "z"));
        assertNoEvents(dom5);
    }

    @Test
    void aWatcherLosingReadAccessHearsOfTheChange() {
        assertOk(dom0.write("/p", "1"));
        assertOk(dom0.setPermissions("/p", List.of(XsPermission.read(0))));
        assertOk(dom5.watch("/p", "t"));
        drain(dom5);
        assertOk(dom0.setPermissions("/p", List.of(XsPermission.none(0))));
        assertEquals(List.of("/p"), drainPaths(dom5));
        assertOk(dom0.write("/p", "2"));
        assertNoEvents(dom5);
    }

    @Test
    void aReadableNodeBeingRemovedIsReported() {
        assertOk(dom0.write("/local/domain/5/data/x", "1"));
        assertOk(dom5.watch("data/x", "t"));
        drain(dom5);
        assertOk(dom0.rm("/local/domain/5/data"));
        assertEquals(List.of("data/x"), drainPaths(dom5));
    }

    @Test
    void aRelativeWatchReportsRelativePaths() {
        assertOk(dom5.watch("data", "rel"));
        assertOk(dom5.watch("/local/domain/5/data", "abs"));
        assertEquals(List.of(new WatchEvent("data", "rel"), new WatchEvent("/local/domain/5/data", "abs")), drain(dom5));
        assertOk(dom5.write("data/a/b", "1"));
        assertEquals(List.of(new WatchEvent("data/a/b", "rel"), new WatchEvent("/local/domain/5/data/a/b", "abs")), drain(dom5));
    }

    @Test
    void specialEventsReachUnprivilegedWatchers() {
        assertOk(dom5.watch("@introduceDomain", "in"));
        assertOk(dom5.watch("@releaseDomain", "out"));
        assertEquals(List.of("@introduceDomain", "@releaseDomain"), drainPaths(dom5));
        xenstored.introduceDomain(7);
        xenstored.releaseDomain(7);
        assertEquals(List.of(new WatchEvent("@introduceDomain", "in"), new WatchEvent("@releaseDomain", "out")), drain(dom5));
    }

    @Test
    void anEventTooBigForTheWireIsDropped() {
        String token = "t".repeat(3000);
        assertOk(dom0.watch("/d", token));
        assertEquals(1, drain(dom0).size());
        String longName = "n".repeat(1100);
        assertOk(dom0.write("/d/" + longName, "1"));
        assertNoEvents(dom0);
        assertOk(dom0.write("/d", "1"));
        assertEquals(List.of("/d"), drainPaths(dom0));
    }

    @Test
    void eventsQueueUntilAListenerIsSetThenArriveInOrder() {
        assertOk(watcher.watch("/q", "t"));
        assertOk(dom0.write("/q/1", ""));
        assertOk(dom0.write("/q/2", ""));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        watcher.onWatchEvent(e -> seen.add(e.path()));
        assertEquals(List.of("/q", "/q/1", "/q/2"), seen);
        assertOk(dom0.write("/q/3", ""));
        assertEquals(List.of("/q", "/q/1", "/q/2", "/q/3"), seen);
        assertEquals(null, watcher.pollWatchEvent());
    }

    @Test
    void aListenerMayCallBackIntoTheStore() {
        assertOk(watcher.watch("/ping", "t"));
        assertOk(watcher.watch("/pong", "t"));
        drain(watcher);
        List<String> values = new ArrayList<>();
        watcher.onWatchEvent(e -> {
            if (e.path().equals("/ping")) {
                values.add(ok(watcher.read("/ping")));
                assertOk(watcher.write("/pong", "from listener"));
            } else {
                values.add(e.path());
            }
        });
        assertOk(dom0.write("/ping", "1"));
        // The listener's own write fires /pong; it arrives after /ping's delivery returns.
        assertEquals(List.of("1", "/pong"), values);
        assertEquals("from listener", ok(dom0.read("/pong")));
    }

    @Test
    void aFailingListenerDoesNotStopDelivery() {
        List<String> seen = new ArrayList<>();
        watcher.onWatchEvent(e -> {
            seen.add(e.path());
            if (e.path().equals("/boom")) {
                throw new IllegalStateException("listener bug");
            }
        });
        assertOk(watcher.watch("/boom", "t"));
        assertOk(watcher.watch("/fine", "t"));
        assertOk(dom0.write("/boom", "1"));
        assertOk(dom0.write("/fine", "1"));
        assertEquals(List.of("/boom", "/fine", "/boom", "/fine"), seen);
    }

    @Test
    void aClosedConnectionGetsNoMoreEvents() {
        AtomicBoolean called = new AtomicBoolean();
        assertOk(watcher.watch("/c", "t"));
        drain(watcher);
        watcher.onWatchEvent(e -> called.set(true));
        watcher.close();
        assertOk(dom0.write("/c", "1"));
        assertFalse(called.get());
        assertEquals(null, watcher.pollWatchEvent());
    }

    @Test
    void mkdirOfANewNodeFires() {
        assertOk(watcher.watch("/m", "t"));
        drain(watcher);
        assertOk(dom0.mkdir("/m/n"));
        assertEquals(List.of("/m/n"), drainPaths(watcher));
    }
}
