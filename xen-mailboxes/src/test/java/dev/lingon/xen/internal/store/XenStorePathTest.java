package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.makeHome;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Path syntax: absolute, relative to the home, special; what xenstored's canonicalize() refuses. */
class XenStorePathTest {
    private Xenstored xenstored;
    private XenStore dom0;
    private XenStore dom5;

    @BeforeEach
    void setUp() {
        xenstored = new Xenstored();
        dom0 = xenstored.connect(0);
        makeHome(dom0, 5);
        dom5 = xenstored.connect(5);
    }

    @Test
    void relativePathsAreRelativeToTheCallersHome() {
        assertOk(dom5.write("data/x", "1"));
        assertEquals("1", ok(dom0.read("/local/domain/5/data/x")));
        assertEquals("1", ok(dom5.read("/local/domain/5/data/x")));
        assertOk(dom0.write("name", "Domain-0"));
        assertEquals("Domain-0", ok(dom0.read("/local/domain/0/name")));
    }

    @Test
    void theRootIsAValidPath() {
        assertEquals(List.of("tool", "local"), ok(dom0.directory("/")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a b", "/a.b", "/a:b", "/a\u00e9", "/a\0b", "/a/", "/a//b", "//", "", "data/", "data//x"})
    void invalidPathsAreEinvalForEveryOperation(String path) {
        assertErr(Errno.EINVAL, dom0.read(path));
        assertErr(Errno.EINVAL, dom0.write(path, "v"));
        assertErr(Errno.EINVAL, dom0.mkdir(path));
        assertErr(Errno.EINVAL, dom0.rm(path));
        assertErr(Errno.EINVAL, dom0.directory(path));
        assertErr(Errno.EINVAL, dom0.getPermissions(path));
        assertErr(Errno.EINVAL, dom0.setPermissions(path, List.of(XsPermission.none(0))));
        assertErr(Errno.EINVAL, dom0.watch(path, "t"));
        assertErr(Errno.EINVAL, dom0.unwatch(path, "t"));
    }

    @Test
    void everyAllowedCharacterIsAccepted() {
        String path = "/ABCxyz019-_@";
        assertOk(dom0.write(path, "v"));
        assertEquals("v", ok(dom0.read(path)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"@introduceDomain", "@releaseDomain", "@other"})
    void specialPathsCanOnlyBeWatched(String path) {
        assertErr(Errno.EINVAL, dom0.read(path));
        assertErr(Errno.EINVAL, dom0.write(path, "v"));
        assertErr(Errno.EINVAL, dom0.mkdir(path));
        assertErr(Errno.EINVAL, dom0.rm(path));
        assertErr(Errno.EINVAL, dom0.directory(path));
        assertErr(Errno.EINVAL, dom0.getPermissions(path));
        assertErr(Errno.EINVAL, dom0.setPermissions(path, List.of(XsPermission.read(0))));
        assertOk(dom0.watch(path, "t"));
        assertOk(dom0.unwatch(path, "t"));
    }

    @Test
    void nullArgumentsAreMisuse() {
        assertThrows(NullPointerException.class, () -> dom0.read(null));
        assertThrows(NullPointerException.class, () -> dom0.write("/x", null));
        assertThrows(NullPointerException.class, () -> dom0.watch("/x", null));
        assertThrows(NullPointerException.class, () -> dom0.setPermissions("/x", null));
        assertThrows(NullPointerException.class, () -> dom0.onWatchEvent(null));
    }

    @Test
    void canonicalizeResolvesRelativePathsAndChecksShape() {
        assertEquals("/local/domain/7/a/b", ok(XsPath.canonicalize(7, false, "a/b", false)));
        assertEquals("/x", ok(XsPath.canonicalize(7, false, "/x", false)));
        assertEquals("@releaseDomain", ok(XsPath.canonicalize(7, false, "@releaseDomain", true)));
        assertErr(Errno.EINVAL, XsPath.canonicalize(7, false, "@releaseDomain", false));
        assertErr(Errno.EINVAL, XsPath.canonicalize(7, false, "a/", false));
    }

    @Test
    void relativeOffsetSkipsTheDomainPrefixOfAnyDomain() {
        assertEquals("/local/domain/12/".length(), XsPath.relativeOffset("/local/domain/12/x"));
        assertEquals("/local/domain/12345/".length(), XsPath.relativeOffset("/local/domain/12345/x"));
        // sscanf's %5u reads at most five digits, then needs a slash.
        assertEquals(0, XsPath.relativeOffset("/local/domain/123456/x"));
        assertEquals(0, XsPath.relativeOffset("/local/domain/12"));
        assertEquals(0, XsPath.relativeOffset("/local/domain/x/y"));
        assertEquals(0, XsPath.relativeOffset("/tool/x"));
    }

    @Test
    void parentAndChildFollowXenstored() {
        assertEquals("/", XsPath.parent("/a"));
        assertEquals("/", XsPath.parent("/"));
        assertEquals("/a", XsPath.parent("/a/b"));
        assertEquals("/a", XsPath.child("/", "a"));
        assertEquals("/a/b", XsPath.child("/a", "b"));
        assertTrue(XsPath.isChild("/a/b", "/a"));
        assertTrue(XsPath.isChild("/a", "/a"));
        assertTrue(XsPath.isChild("/anything", "/"));
        assertFalse(XsPath.isChild("/ab", "/a"));
        assertFalse(XsPath.isChild("/a", "/a/b"));
    }
}
