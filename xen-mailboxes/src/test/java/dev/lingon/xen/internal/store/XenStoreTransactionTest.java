package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertNoEvents;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.drain;
import static dev.lingon.xen.internal.store.XsTestSupport.drainPaths;
import static dev.lingon.xen.internal.store.XsTestSupport.makeHome;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Private overlay, conflict detection by generation, commit/abort, queued events. */
class XenStoreTransactionTest {
    private Xenstored xenstored;
    private XsConnection dom0;
    private XenStore other;
    private XenStore watcher;

    @BeforeEach
    void setUp() {
        xenstored = new Xenstored();
        dom0 = xenstored.connect(0);
        other = xenstored.connect(0);
        watcher = xenstored.connect(0);
        assertOk(dom0.write("/t/a", "a0"));
        assertOk(dom0.write("/t/b", "b0"));
        assertOk(dom0.write("/t/c", "c0"));
    }

    @Test
    void idsArePerConnectionAndStartAtOne() {
        assertEquals(1, ok(dom0.transactionStart()));
        assertEquals(2, ok(dom0.transactionStart()));
        assertEquals(1, ok(other.transactionStart()));
    }

    @Test
    void aTransactionSeesItsOwnWritesAndOthersDoNotUntilCommit() {
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/a", "a1"));
        assertOk(dom0.write(tx, "/t/new/deep", "n"));
        assertEquals("a1", ok(dom0.read(tx, "/t/a")));
        assertEquals("n", ok(dom0.read(tx, "/t/new/deep")));
        assertEquals(List.of("a", "b", "c", "new"), ok(dom0.directory(tx, "/t")));
        assertEquals("a0", ok(other.read("/t/a")));
        assertEquals("a0", ok(dom0.read("/t/a")));
        assertErr(Errno.ENOENT, other.read("/t/new"));
        assertOk(dom0.transactionEnd(tx, true));
        assertEquals("a1", ok(other.read("/t/a")));
        assertEquals("n", ok(other.read("/t/new/deep")));
    }

    @Test
    void abortDiscardsEverything() {
        int nodes = xenstored.nodeCount();
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/a", "a1"));
        assertOk(dom0.rm(tx, "/t/b"));
        assertOk(dom0.mkdir(tx, "/t/d"));
        assertOk(dom0.setPermissions(tx, "/t/c", List.of(XsPermission.read(0))));
        assertOk(dom0.transactionEnd(tx, false));
        assertEquals("a0", ok(other.read("/t/a")));
        assertEquals("b0", ok(other.read("/t/b")));
        assertEquals(List.of(XsPermission.none(0)), ok(other.getPermissions("/t/c")));
        assertEquals(nodes, xenstored.nodeCount());
        assertErr(Errno.ENOENT, dom0.transactionEnd(tx, true));
    }

    @Test
    void aChangedReadNodeMakesCommitEagainAndEndsTheTransaction() {
        int tx = ok(dom0.transactionStart());
        assertEquals("a0", ok(dom0.read(tx, "/t/a")));
        assertOk(dom0.write(tx, "/t/b", "b1"));
        assertOk(other.write("/t/a", "a2"));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
        assertEquals("b0", ok(other.read("/t/b")));
        assertErr(Errno.ENOENT, dom0.transactionEnd(tx, true));
        assertErr(Errno.ENOENT, dom0.read(tx, "/t/a"));
    }

    @Test
    void aTransactionKeepsSeeingWhatItFirstRead() {
        int tx = ok(dom0.transactionStart());
        assertEquals("a0", ok(dom0.read(tx, "/t/a")));
        assertOk(other.write("/t/a", "a2"));
        assertEquals("a0", ok(dom0.read(tx, "/t/a")));
        // A node it has not touched yet is read as it is now.
        assertOk(other.write("/t/b", "b2"));
        assertEquals("b2", ok(dom0.read(tx, "/t/b")));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
    }

    @Test
    void aWriteCountsAsARead() {
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/a", "mine"));
        assertOk(other.write("/t/a", "theirs"));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
        assertEquals("theirs", ok(other.read("/t/a")));
    }

    @Test
    void aNodeReadAsMissingConflictsWhenCreatedMeanwhile() {
        int tx = ok(dom0.transactionStart());
        assertErr(Errno.ENOENT, dom0.read(tx, "/t/m"));
        assertOk(other.write("/t/m", "created"));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
    }

    @Test
    void aNodeRemovedMeanwhileConflicts() {
        int tx = ok(dom0.transactionStart());
        assertEquals("c0", ok(dom0.read(tx, "/t/c")));
        assertOk(other.rm("/t/c"));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
    }

    @Test
    void unrelatedWritesDoNotConflict() {
        int tx = ok(dom0.transactionStart());
        assertEquals("a0", ok(dom0.read(tx, "/t/a")));
        assertOk(dom0.write(tx, "/t/b", "b1"));
        assertOk(other.write("/t/c", "c1"));
        assertOk(other.write("/elsewhere/x", "1"));
        assertOk(dom0.transactionEnd(tx, true));
        assertEquals("b1", ok(other.read("/t/b")));
        assertEquals("c1", ok(other.read("/t/c")));
    }

    @Test
    void creatingANodeTouchesItsParentSoConcurrentCreationsInOneDirectoryConflict() {
        // create_node rewrites the parent's child list, and the transaction read that parent.
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/x", "1"));
        assertOk(other.write("/t/y", "2"));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx, true));
        int retry = ok(dom0.transactionStart());
        assertOk(dom0.write(retry, "/t/x", "1"));
        assertOk(dom0.transactionEnd(retry, true));
        assertEquals(List.of("a", "b", "c", "y", "x"), ok(other.directory("/t")));
    }

    @Test
    void twoTransactionsReadModifyWriteTheSameNodeAndTheSecondRetries() {
        int t1 = ok(dom0.transactionStart());
        int t2 = ok(other.transactionStart());
        assertOk(dom0.write(t1, "/t/a", ok(dom0.read(t1, "/t/a")) + "+1"));
        assertOk(other.write(t2, "/t/a", ok(other.read(t2, "/t/a")) + "+2"));
        assertOk(dom0.transactionEnd(t1, true));
        assertErr(Errno.EAGAIN, other.transactionEnd(t2, true));
        assertEquals("a0+1", ok(other.read("/t/a")));
    }

    @Test
    void watchEventsFireAtCommitInFirstAccessOrder() {
        assertOk(watcher.watch("/t", "t"));
        drain(watcher);
        int tx = ok(dom0.transactionStart());
        assertEquals("a0", ok(dom0.read(tx, "/t/a")));
        assertOk(dom0.write(tx, "/t/c", "c1"));
        assertOk(dom0.write(tx, "/t/a", "a1"));
        assertOk(dom0.write(tx, "/t/b", "b1"));
        assertOk(dom0.write(tx, "/t/c", "c2"));
        assertNoEvents(watcher);
        assertOk(dom0.transactionEnd(tx, true));
        assertEquals(List.of("/t/a", "/t/c", "/t/b"), drainPaths(watcher));
    }

    @Test
    void anAbortedOrFailedTransactionFiresNothing() {
        assertOk(watcher.watch("/t", "t"));
        drain(watcher);
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/a", "a1"));
        assertOk(dom0.transactionEnd(tx, false));
        int tx2 = ok(dom0.transactionStart());
        assertOk(dom0.write(tx2, "/t/b", "b1"));
        assertOk(other.write("/t/b", "b2"));
        assertEquals(List.of("/t/b"), drainPaths(watcher));
        assertErr(Errno.EAGAIN, dom0.transactionEnd(tx2, true));
        assertNoEvents(watcher);
    }

    @Test
    void rmInATransactionReportsAtCommitInFirstAccessOrder() {
        // The transaction touches /t first, then the subtree top-down as rm walks it; commit fires
        // in that order (C xenstored's finalize_transaction), not bottom-up as a direct rm does.
        assertOk(dom0.write("/t/a/x", "1"));
        assertOk(watcher.watch("/t", "root"));
        assertOk(watcher.watch("/t/a", "a"));
        assertOk(watcher.watch("/t/a/x", "x"));
        drain(watcher);
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.rm(tx, "/t"));
        assertErr(Errno.ENOENT, dom0.read(tx, "/t/a"));
        assertEquals("1", ok(other.read("/t/a/x")));
        assertOk(dom0.transactionEnd(tx, true));
        assertErr(Errno.ENOENT, other.read("/t"));
        assertEquals(List.of(new WatchEvent("/t", "root"), new WatchEvent("/t/a", "a"), new WatchEvent("/t/a/x", "x")),
                drain(watcher));
    }

    @Test
    void aNodeCreatedAndRemovedInsideATransactionLeavesNoTrace() {
        int nodes = xenstored.nodeCount();
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.write(tx, "/t/tmp", "1"));
        assertOk(dom0.rm(tx, "/t/tmp"));
        assertOk(dom0.transactionEnd(tx, true));
        assertEquals(nodes, xenstored.nodeCount());
        assertEquals(List.of("a", "b", "c"), ok(other.directory("/t")));
    }

    @Test
    void permissionsAreCheckedAgainstTheTransactionsView() {
        makeHome(dom0, 5);
        XenStore dom5 = xenstored.connect(5);
        int tx = ok(dom0.transactionStart());
        assertOk(dom0.setPermissions(tx, "/local/domain/5/data", List.of(XsPermission.none(0))));
        assertOk(dom0.transactionEnd(tx, true));
        assertErr(Errno.EACCES, dom5.write("data/x", "1"));

        int tx5 = ok(dom5.transactionStart());
        assertErr(Errno.EACCES, dom5.write(tx5, "data/x", "1"));
        assertOk(dom5.transactionEnd(tx5, true));
    }

    @Test
    void unknownTransactionIdsAreEnoent() {
        assertErr(Errno.ENOENT, dom0.read(42, "/t/a"));
        assertErr(Errno.ENOENT, dom0.write(42, "/t/a", "x"));
        assertErr(Errno.ENOENT, dom0.transactionEnd(XenStore.XBT_NULL, true));
        int othersTx = ok(other.transactionStart());
        assertErr(Errno.ENOENT, dom0.read(othersTx + 100, "/t/a"));
        assertErr(Errno.ENOENT, dom0.transactionEnd(othersTx + 100, false));
    }

    @Test
    void transactionsDoNotNest() {
        int tx = ok(dom0.transactionStart());
        XsReply reply = dom0.serve(tx, new XsRequest.TransactionStart());
        assertInstanceOf(XsReply.Error.class, reply);
        assertEquals(Errno.EBUSY, ((XsReply.Error) reply).errno());
    }

    @Test
    void watchAndUnwatchIgnoreTheTransactionId() {
        assertEquals(new XsReply.Ok(), dom0.serve(77, new XsRequest.Watch("/w", "t")));
        assertEquals(new XsReply.Ok(), dom0.serve(77, new XsRequest.Unwatch("/w", "t")));
    }

    @Test
    void closingTheConnectionEndsItsTransactions() {
        XenStore c = xenstored.connect(0);
        int tx = ok(c.transactionStart());
        assertOk(c.write(tx, "/t/a", "lost"));
        c.close();
        assertErr(Errno.ENOTCONN, c.transactionEnd(tx, true));
        assertEquals("a0", ok(other.read("/t/a")));
    }
}
