package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions shared by the XenStore tests. */
final class XsTestSupport {
    private XsTestSupport() {
    }

    static <T> T ok(Result<T> r) {
        if (r instanceof Result.Err<T> err) {
            fail("expected success, got " + err.errno() + ": " + err.detail());
        }
        return ((Result.Ok<T>) r).value();
    }

    static void assertOk(Result<?> r) {
        ok(r);
    }

    static void assertErr(Errno expected, Result<?> r) {
        assertEquals(expected, r.errno(), () -> "expected " + expected + " but got " + describe(r));
    }

    static String describe(Result<?> r) {
        return switch (r) {
            case Result.Ok<?> o -> "OK(" + o.value() + ")";
            case Result.Err<?> e -> e.errno() + " (" + e.detail() + ")";
        };
    }

    /** Every event queued on a polling connection, in order. */
    static List<WatchEvent> drain(XenStore c) {
        List<WatchEvent> out = new ArrayList<>();
        WatchEvent e;
        while ((e = c.pollWatchEvent()) != null) {
            out.add(e);
        }
        return out;
    }

    /** The paths of every queued event of a polling connection. */
    static List<String> drainPaths(XenStore c) {
        return drain(c).stream().map(WatchEvent::path).toList();
    }

    static void assertNoEvents(XenStore c) {
        List<WatchEvent> events = drain(c);
        assertTrue(events.isEmpty(), () -> "expected no watch events, got " + events);
    }

    /**
     * A domain home as libxl makes it, through dom0: {@code /local/domain/<id>} owned by dom0 and
     * readable by the domain, and {@code data} owned by the domain.
     */
    static void makeHome(XenStore dom0, int domid) {
        String home = "/local/domain/" + domid;
        assertOk(dom0.mkdir(home));
        assertOk(dom0.setPermissions(home, List.of(XsPermission.none(0), XsPermission.read(domid))));
        assertOk(dom0.mkdir(home + "/data"));
        assertOk(dom0.setPermissions(home + "/data", List.of(XsPermission.none(domid))));
    }
}
