package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;
import dev.lingon.xen.layout.XsWireLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.lingon.xen.internal.store.XsTestSupport.assertErr;
import static dev.lingon.xen.internal.store.XsTestSupport.assertOk;
import static dev.lingon.xen.internal.store.XsTestSupport.makeHome;
import static dev.lingon.xen.internal.store.XsTestSupport.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Payload, node-size, path-length and per-domain quotas, and who is exempt. */
class XenStoreLimitsTest {
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
    void aRequestPayloadOver4096BytesIsE2bigForEveryone() {
        // WRITE payload: "/x\0" + value.
        String fits = "v".repeat(XsWireLayout.XENSTORE_PAYLOAD_MAX - 3);
        assertOk(dom0.write("/x", fits));
        assertEquals(fits, ok(dom0.read("/x")));
        assertErr(Errno.E2BIG, dom0.write("/x", fits + "v"));
        assertErr(Errno.E2BIG, dom5.write("data/x", fits + "v"));
        // Multi-byte characters count in UTF-8 bytes.
        assertErr(Errno.E2BIG, dom0.write("/x", "\u00e9".repeat(2047)));
    }

    @Test
    void e2bigIsDecidedBeforeAnythingElse() {
        String huge = "/" + "a".repeat(XsWireLayout.XENSTORE_PAYLOAD_MAX);
        assertErr(Errno.E2BIG, dom5.read(huge));
        assertErr(Errno.E2BIG, dom5.watch("/a", "t".repeat(XsWireLayout.XENSTORE_PAYLOAD_MAX)));
        List<XsPermission> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(XsPermission.read(i));
        }
        assertErr(Errno.E2BIG, dom0.setPermissions("/tool", many));
    }

    @Test
    void anUnprivilegedNodeMayNotExceed2048AccountedBytes() {
        // One permission: 16-byte header + 8 + value.
        String fits = "v".repeat(Xenstored.QUOTA_NODE_SIZE - 16 - 8);
        assertOk(dom5.write("data/big", fits));
        assertErr(Errno.ENOSPC, dom5.write("data/big", fits + "v"));
        assertEquals(fits, ok(dom5.read("data/big")));
        assertErr(Errno.ENOSPC, dom5.write("data/new/big", fits + "v"));
        // A refused create leaves no ancestors behind.
        assertErr(Errno.ENOENT, dom5.read("data/new"));
    }

    @Test
    void permissionsCountInTheNodeSize() {
        String value = "v".repeat(Xenstored.QUOTA_NODE_SIZE - 16 - 8 - 8);
        assertOk(dom5.write("data/p", value));
        assertOk(dom5.setPermissions("data/p", List.of(XsPermission.none(5), XsPermission.read(6))));
        assertErr(Errno.ENOSPC, dom5.setPermissions("data/p", List.of(XsPermission.none(5), XsPermission.read(6), XsPermission.read(7))));
    }

    @Test
    void childNamesCountInTheParentsSize() {
        assertOk(dom0.setPermissions("/local/domain/5/data", List.of(XsPermission.none(5))));
        // data has one permission: 16 + 8 + children. Each child "cNNNN" takes 6 bytes with its NUL.
        int room = Xenstored.QUOTA_NODE_SIZE - 16 - 8;
        int i = 0;
        for (; (i + 1) * 6 <= room; i++) {
            assertOk(dom5.mkdir(String.format("data/c%04d", i)));
        }
        assertErr(Errno.ENOSPC, dom5.mkdir(String.format("data/c%04d", i)));
        assertEquals(i, ok(dom5.directory("data")).size());
        // dom0 is not held to the quota.
        assertOk(dom0.mkdir(String.format("/local/domain/5/data/c%04d", i)));
    }

    @Test
    void dom0HasNoNodeSizeLimit() {
        String big = "v".repeat(4000);
        assertOk(dom0.write("/local/domain/5/data/big", big));
        assertEquals(big, ok(dom5.read("data/big")));
    }

    @Test
    void anUnprivilegedPathMayHaveAtMost2048CharactersAfterTheDomainPrefix() {
        String fits = "n".repeat(XsWireLayout.XENSTORE_REL_PATH_MAX - "data/".length());
        assertErr(Errno.ENOENT, dom5.read("data/" + fits.substring(5)));
        assertErr(Errno.ENOENT, dom5.read("data/" + fits));
        assertErr(Errno.EINVAL, dom5.read("data/" + fits + "n"));
        assertErr(Errno.EINVAL, dom5.read("/local/domain/5/data/" + fits + "n"));
        // The prefix of any domain is skipped; elsewhere the whole path counts.
        assertErr(Errno.EACCES, dom5.read("/local/domain/6/data/" + fits));
        assertErr(Errno.EINVAL, dom5.read("/local/domain/6/data/" + fits + "n"));
        assertErr(Errno.EACCES, dom5.read("/" + "n".repeat(XsWireLayout.XENSTORE_REL_PATH_MAX - 1)));
        assertErr(Errno.EINVAL, dom5.read("/" + "n".repeat(XsWireLayout.XENSTORE_REL_PATH_MAX)));
        assertErr(Errno.EINVAL, dom5.watch("data/" + fits + "n", "t"));
    }

    @Test
    void dom0HasNoPathLengthLimit() {
        String path = "/" + "n".repeat(3000);
        assertOk(dom0.write(path, "1"));
        assertEquals("1", ok(dom0.read(path)));
    }

    @Test
    void aReplyOver4096BytesIsE2big() {
        // Children "cNNNNN" take 7 bytes each with their NUL: 585 of them are 4095 bytes.
        for (int i = 0; i < 700; i++) {
            assertOk(dom0.mkdir(String.format("/wide/c%05d", i)));
        }
        assertErr(Errno.E2BIG, dom0.directory("/wide"));
        for (int i = 585; i < 700; i++) {
            assertOk(dom0.rm(String.format("/wide/c%05d", i)));
        }
        assertEquals(585, ok(dom0.directory("/wide")).size());
        assertOk(dom0.mkdir("/wide/x"));
        assertErr(Errno.E2BIG, dom0.directory("/wide"));
    }

    @Test
    void anUnprivilegedDomainMaySetAtMostFivePermissions() {
        assertOk(dom5.write("data/p", ""));
        List<XsPermission> five = List.of(XsPermission.none(5), XsPermission.read(1), XsPermission.read(2),
                XsPermission.read(3), XsPermission.read(4));
        assertOk(dom5.setPermissions("data/p", five));
        List<XsPermission> six = new ArrayList<>(five);
        six.add(XsPermission.read(6));
        assertErr(Errno.ENOSPC, dom5.setPermissions("data/p", six));
        assertOk(dom0.setPermissions("/local/domain/5/data/p", six));
    }

    @Test
    void aDomainHoldingMoreThan128WatchesGetsE2big() {
        XenStore second = xenstored.connect(5);
        for (int i = 0; i <= Xenstored.QUOTA_WATCHES; i++) {
            assertOk((i % 2 == 0 ? dom5 : second).watch("data/w" + i, "t"));
        }
        // Counted per domain, across its connections (C: conn->domain's ACC_WATCH).
        assertErr(Errno.E2BIG, dom5.watch("data/one-more", "t"));
        assertErr(Errno.E2BIG, second.watch("data/one-more", "t"));
        assertOk(dom5.unwatch("data/w0", "t"));
        assertOk(dom5.watch("data/one-more", "t"));
        for (int i = 0; i < 200; i++) {
            assertOk(dom0.watch("/w" + i, "t"));
        }
    }

    @Test
    void aDomainHoldingMoreThan10TransactionsGetsEnospc() {
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i <= Xenstored.QUOTA_TRANSACTIONS; i++) {
            open.add(ok(dom5.transactionStart()));
        }
        assertErr(Errno.ENOSPC, dom5.transactionStart());
        assertOk(dom5.transactionEnd(open.getFirst(), false));
        assertOk(dom5.transactionStart());
        for (int i = 0; i < 20; i++) {
            assertOk(dom0.transactionStart());
        }
    }
}
