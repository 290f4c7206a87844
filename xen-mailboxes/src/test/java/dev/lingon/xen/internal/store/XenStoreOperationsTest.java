package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.drainPaths;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** read, write, mkdir, rm, directory: the success paths and the plain errors. */
class XenStoreOperationsTest {
    private Xenstored xenstored;
    private XenStore dom0;

    @BeforeEach
    void setUp() {
        xenstored = new Xenstored();
        dom0 = xenstored.connect(0);
    }

    @Test
    void aNewStoreHoldsOnlyTheRootToolAndLocalDomain() {
        assertEquals(4, xenstored.nodeCount());
        assertEquals(List.of("tool", "local"), ok(dom0.directory("/")));
        assertEquals(List.of(), ok(dom0.directory("/tool")));
        assertEquals(List.of("domain"), ok(dom0.directory("/local")));
        assertEquals(List.of(), ok(dom0.directory("/local/domain")));
        for (String p : List.of("/", "/tool", "/local", "/local/domain")) {
            assertEquals(List.of(XsPermission.none(0)), ok(dom0.getPermissions(p)), p);
            assertEquals("", ok(dom0.read(p)), p);
        }
        assertTrue(xenstored.isDomainIntroduced(0));
    }

    @Test
    void writeCreatesMissingParentsWithEmptyValues() {
        assertOk(dom0.write("/a/b/c", "v"));
        assertEquals("v", ok(dom0.read("/a/b/c")));
        assertEquals("", ok(dom0.read("/a/b")));
        assertEquals("", ok(dom0.read("/a")));
        assertEquals(List.of("b"), ok(dom0.directory("/a")));
        assertEquals(7, xenstored.nodeCount());
    }

    @Test
    void writeReplacesTheValueAndKeepsChildren() {
        assertOk(dom0.write("/a/b", "1"));
        assertOk(dom0.write("/a", "parent"));
        assertEquals("parent", ok(dom0.read("/a")));
        assertEquals(List.of("b"), ok(dom0.directory("/a")));
        assertOk(dom0.write("/a", ""));
        assertEquals("", ok(dom0.read("/a")));
    }

    @Test
    void valuesAreArbitraryStrings() {
        String binary = "a\0b\u00e9\u4e2d\uD83D\uDE00";
        assertOk(dom0.write("/v", binary));
        assertEquals(binary, ok(dom0.read("/v")));
    }

    @Test
    void mkdirCreatesAndLeavesExistingNodesAlone() {
        assertOk(dom0.mkdir("/d/e"));
        assertEquals("", ok(dom0.read("/d/e")));
        assertOk(dom0.write("/d", "keep"));
        assertOk(dom0.watch("/d", "t"));
        drainPaths(dom0);
        assertOk(dom0.mkdir("/d"));
        assertEquals("keep", ok(dom0.read("/d")));
        assertEquals(List.of(), drainPaths(dom0), "mkdir of an existing node changes nothing, so fires nothing");
    }

    @Test
    void directoryListsChildrenInCreationOrder() {
        assertOk(dom0.write("/dir/c", ""));
        assertOk(dom0.write("/dir/a", ""));
        assertOk(dom0.write("/dir/b", ""));
        assertEquals(List.of("c", "a", "b"), ok(dom0.directory("/dir")));
        assertOk(dom0.rm("/dir/a"));
        assertOk(dom0.mkdir("/dir/a"));
        assertEquals(List.of("c", "b", "a"), ok(dom0.directory("/dir")));
    }

    @Test
    void rmRemovesTheWholeSubtree() {
        assertOk(dom0.write("/r/a/x", "1"));
        assertOk(dom0.write("/r/b", "2"));
        assertOk(dom0.write("/keep", "3"));
        int before = xenstored.nodeCount();
        assertOk(dom0.rm("/r"));
        assertEquals(before - 4, xenstored.nodeCount());
        assertErr(Errno.ENOENT, dom0.read("/r"));
        assertErr(Errno.ENOENT, dom0.read("/r/a/x"));
        assertEquals(List.of("tool", "local", "keep"), ok(dom0.directory("/")));
    }

    @Test
    void rmOfAMissingNodeIsFineWhenItsParentExists() {
        assertOk(dom0.rm("/tool/nothing"));
        assertErr(Errno.ENOENT, dom0.rm("/no/such"));
    }

    @Test
    void theRootCannotBeRemoved() {
        assertErr(Errno.EINVAL, dom0.rm("/"));
        assertEquals(4, xenstored.nodeCount());
    }

    @Test
    void missingNodesAreEnoent() {
        assertErr(Errno.ENOENT, dom0.read("/missing"));
        assertErr(Errno.ENOENT, dom0.directory("/missing"));
        assertErr(Errno.ENOENT, dom0.getPermissions("/missing"));
        assertErr(Errno.ENOENT, dom0.setPermissions("/missing", List.of(XsPermission.none(0))));
    }

    @Test
    void getDomainPathNamesTheHome() {
        XsConnection c = xenstored.connect(9);
        assertEquals("/local/domain/9", ok(c.getDomainPath(9)));
        assertEquals("/local/domain/3", ok(c.getDomainPath(3)));
    }

    @Test
    void aClosedConnectionAnswersEnotconn() {
        XsConnection c = xenstored.connect(0);
        assertEquals(2, xenstored.connectionCount());
        c.close();
        c.close();
        assertTrue(c.isClosed());
        assertFalse(((XsConnection) dom0).isClosed());
        assertEquals(1, xenstored.connectionCount());
        assertErr(Errno.ENOTCONN, c.read("/"));
        assertErr(Errno.ENOTCONN, c.write("/x", "1"));
        assertErr(Errno.ENOTCONN, c.watch("/x", "t"));
        assertErr(Errno.ENOTCONN, c.transactionStart());
        assertErr(Errno.ENOENT, dom0.read("/x"));
    }

    @Test
    void resetWatchesDropsWatchesAndTransactions() {
        XsConnection c = xenstored.connect(0);
        assertOk(c.watch("/a", "t"));
        int tx = ok(c.transactionStart());
        drainPaths(c);
        assertOk(c.resetWatches());
        assertOk(dom0.write("/a", "1"));
        assertEquals(List.of(), drainPaths(c));
        assertErr(Errno.ENOENT, c.read(tx, "/"));
    }
}
