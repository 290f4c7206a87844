package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.makeHome;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Owner and per-domain access, inheritance on create, errors that hide existence, set-perms rules. */
class XenStorePermissionsTest {
    private Xenstored xenstored;
    private XenStore dom0;
    private XenStore dom5;
    private XenStore dom6;

    @BeforeEach
    void setUp() {
        xenstored = new Xenstored();
        dom0 = xenstored.connect(0);
        makeHome(dom0, 5);
        makeHome(dom0, 6);
        dom5 = xenstored.connect(5);
        dom6 = xenstored.connect(6);
    }

    @Test
    void dom0MayDoAnything() {
        assertOk(dom0.write("/local/domain/5/data/x", "1"));
        assertEquals("1", ok(dom0.read("/local/domain/5/data/x")));
        assertOk(dom0.setPermissions("/local/domain/5/data/x", List.of(XsPermission.none(6))));
        assertOk(dom0.rm("/local/domain/5/data/x"));
    }

    @Test
    void anUnlistedDomainGetsTheFirstEntrysAccess() {
        assertErr(Errno.EACCES, dom5.read("/tool"));
        assertErr(Errno.EACCES, dom5.directory("/"));
        assertOk(dom0.write("/pub", "hello"));
        assertOk(dom0.setPermissions("/pub", List.of(XsPermission.read(0))));
        assertEquals("hello", ok(dom5.read("/pub")));
        assertErr(Errno.EACCES, dom5.write("/pub", "x"));
    }

    @Test
    void listedDomainsGetTheirEntry() {
        assertOk(dom0.write("/shared", "s"));
        assertOk(dom0.setPermissions("/shared", List.of(XsPermission.none(0), XsPermission.read(5), XsPermission.write(6))));
        assertEquals("s", ok(dom5.read("/shared")));
        assertErr(Errno.EACCES, dom5.write("/shared", "x"));
        assertErr(Errno.EACCES, dom6.read("/shared"));
        assertOk(dom6.write("/shared", "from6"));
        assertEquals("from6", ok(dom0.read("/shared")));
        XenStore dom7 = xenstored.connect(7);
        assertErr(Errno.EACCES, dom7.read("/shared"));
    }

    @Test
    void theOwnerHasFullAccessWhateverTheEntries() {
        assertOk(dom0.write("/owned", "o"));
        assertOk(dom0.setPermissions("/owned", List.of(XsPermission.none(5), XsPermission.none(5))));
        assertEquals("o", ok(dom5.read("/owned")));
        assertOk(dom5.write("/owned", "p"));
        assertErr(Errno.EACCES, dom6.read("/owned"));
    }

    @Test
    void aMissingNodeUnderAnUnreadableAncestorIsEaccesNotEnoent() {
        // /local/domain/6 is readable by 6 only: its missing children are hidden from 5.
        assertErr(Errno.EACCES, dom5.read("/local/domain/6/nothing"));
        assertErr(Errno.EACCES, dom5.read("/local/domain/6/data/nothing"));
        assertErr(Errno.EACCES, dom5.read("/tool/nothing/deeper"));
        // Under a readable ancestor the truth is told.
        assertErr(Errno.ENOENT, dom5.read("/local/domain/5/nothing"));
        assertErr(Errno.ENOENT, dom5.read("data/nothing"));
        assertErr(Errno.ENOENT, dom5.directory("data/a/b/c"));
    }

    @Test
    void anExistingUnreadableNodeIsEacces() {
        assertOk(dom0.write("/local/domain/5/data/secret", "x"));
        assertOk(dom0.setPermissions("/local/domain/5/data/secret", List.of(XsPermission.none(0))));
        assertErr(Errno.EACCES, dom5.read("data/secret"));
        assertErr(Errno.EACCES, dom5.getPermissions("data/secret"));
    }

    @Test
    void writingNeedsWriteAccessToTheNodeOrItsNearestExistingAncestor() {
        assertOk(dom5.write("data/a/b", "1"));
        // The home itself is dom0's and only readable by 5: nothing may be created in it.
        assertErr(Errno.EACCES, dom5.write("newdir/x", "1"));
        assertErr(Errno.EACCES, dom5.mkdir("newdir"));
        // Another domain's data: unreadable, so EACCES as well.
        assertErr(Errno.EACCES, dom5.write("/local/domain/6/data/x", "1"));
        // mkdir of an existing node still needs write access.
        assertErr(Errno.EACCES, dom5.mkdir("/local/domain/5"));
    }

    @Test
    void aNewNodeCopiesItsParentsPermissionsAndAnUnprivilegedCreatorOwnsIt() {
        assertOk(dom0.setPermissions("/local/domain/5/data", List.of(XsPermission.none(5), XsPermission.read(6), XsPermission.write(7))));
        assertOk(dom5.write("data/a/b", "1"));
        List<XsPermission> expected = List.of(XsPermission.none(5), XsPermission.read(6), XsPermission.write(7));
        assertEquals(expected, ok(dom5.getPermissions("data/a")));
        assertEquals(expected, ok(dom5.getPermissions("data/a/b")));

        // dom7 may write into data (w7) and owns what it creates; the rest of the list is copied.
        XenStore dom7 = xenstored.connect(7);
        assertOk(dom7.write("/local/domain/5/data/from7/x", "2"));
        List<XsPermission> owned7 = List.of(XsPermission.none(7), XsPermission.read(6), XsPermission.write(7));
        assertEquals(owned7, ok(dom0.getPermissions("/local/domain/5/data/from7")));
        assertEquals(owned7, ok(dom0.getPermissions("/local/domain/5/data/from7/x")));
    }

    @Test
    void dom0CreatesNodesWithTheParentsOwner() {
        assertOk(dom0.write("/local/domain/5/data/byDom0", "1"));
        assertEquals(List.of(XsPermission.none(5)), ok(dom0.getPermissions("/local/domain/5/data/byDom0")));
        assertEquals("1", ok(dom5.read("data/byDom0")));
    }

    @Test
    void rmNeedsWriteAccessOnTheNodeItselfOnly() {
        assertOk(dom5.write("data/x/y", "1"));
        // The home is not writable by 5, yet 5 may remove data, which it owns.
        assertOk(dom5.rm("data/x"));
        assertOk(dom5.rm("/local/domain/5/data"));
        assertErr(Errno.ENOENT, dom5.read("data"));
        assertEquals(List.of(), ok(dom5.directory("/local/domain/5")));
    }

    @Test
    void rmOfANodeWithoutWriteAccessIsEaccesEvenInAWritableParent() {
        assertOk(dom0.write("/local/domain/5/data/ro", "1"));
        assertOk(dom0.setPermissions("/local/domain/5/data/ro", List.of(XsPermission.read(0))));
        assertErr(Errno.EACCES, dom5.rm("data/ro"));
        assertEquals("1", ok(dom0.read("/local/domain/5/data/ro")));
    }

    @Test
    void rmOfAMissingNodeFollowsTheAncestorRule() {
        assertOk(dom5.rm("data/missing"));
        assertErr(Errno.ENOENT, dom5.rm("data/missing/deeper"));
        assertErr(Errno.EACCES, dom5.rm("/local/domain/6/data/missing"));
    }

    @Test
    void theRootIsProtectedFromUnprivilegedDomainsByItsPermissions() {
        assertErr(Errno.EACCES, dom5.rm("/"));
    }

    @Test
    void theOwnerMaySetPermissionsButNotGiveTheNodeAway() {
        assertOk(dom5.write("data/x", "1"));
        assertOk(dom5.setPermissions("data/x", List.of(XsPermission.none(5), XsPermission.read(6))));
        assertEquals("1", ok(dom6.read("/local/domain/5/data/x")));
        assertErr(Errno.EPERM, dom5.setPermissions("data/x", List.of(XsPermission.none(6))));
        assertEquals(List.of(XsPermission.none(5), XsPermission.read(6)), ok(dom0.getPermissions("/local/domain/5/data/x")));
    }

    @Test
    void onlyDom0ChangesOwners() {
        assertOk(dom5.write("data/x", "1"));
        assertOk(dom0.setPermissions("/local/domain/5/data/x", List.of(XsPermission.both(6))));
        assertEquals(List.of(XsPermission.both(6)), ok(dom6.getPermissions("/local/domain/5/data/x")));
    }

    @Test
    void aNonOwnerSettingPermissionsIsEaccesEvenWithReadAndWrite() {
        assertOk(dom5.write("data/x", "1"));
        assertOk(dom5.setPermissions("data/x", List.of(XsPermission.none(5), XsPermission.both(6))));
        assertOk(dom6.write("/local/domain/5/data/x", "2"));
        assertErr(Errno.EACCES, dom6.setPermissions("/local/domain/5/data/x", List.of(XsPermission.none(5))));
    }

    @Test
    void setPermissionsOfAMissingNodeFollowsTheAncestorRule() {
        assertErr(Errno.ENOENT, dom5.setPermissions("data/missing", List.of(XsPermission.none(5))));
        assertErr(Errno.EACCES, dom5.setPermissions("/local/domain/6/data/missing", List.of(XsPermission.none(5))));
    }

    @Test
    void setPermissionsNeedsAnOwnerEntry() {
        assertErr(Errno.EINVAL, dom0.setPermissions("/tool", List.of()));
    }

    @Test
    void permissionCheckFollowsPermForConn() {
        List<XsPermission> perms = List.of(XsPermission.read(5), XsPermission.none(6), XsPermission.write(7));
        assertEquals(Xenstored.XS_PERM_READ | Xenstored.XS_PERM_WRITE | Xenstored.XS_PERM_OWNER, Xenstored.permFor(5, false, perms));
        assertEquals(Xenstored.XS_PERM_READ | Xenstored.XS_PERM_WRITE | Xenstored.XS_PERM_OWNER, Xenstored.permFor(9, true, perms));
        assertEquals(0, Xenstored.permFor(6, false, perms));
        assertEquals(Xenstored.XS_PERM_WRITE, Xenstored.permFor(7, false, perms));
        assertEquals(Xenstored.XS_PERM_READ, Xenstored.permFor(8, false, perms));
    }
}
