package dev.lingon.xen.domain;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomId;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.DomainInfo;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.ShutdownReason;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Domains: ids and generations, states, shutdown reasons, and what destruction takes down. */
@ParameterizedClass
@EnumSource(Backend.class)
class DomainLifecycleTest {
    final Backend backend;

    DomainLifecycleTest(Backend backend) {
        this.backend = backend;
    }

    Hypervisor hv;

    @BeforeEach
    void boot() {
        hv = backend.start();
    }

    @AfterEach
    void down() {
        hv.close();
    }

    DomainHandle create(String name) {
        return hv.createDomain(DomainConfig.named(name)).orThrow();
    }

    XenDomain dom(DomainHandle h) {
        return hv.domain(h).orElseThrow();
    }

    @Test
    void dom0IsThereFromTheStartAndCannotBeDestroyed() {
        assertEquals(DomId.DOM0, hv.dom0().domid());
        assertEquals("Domain-0", hv.dom0().name());
        assertEquals(Errno.EPERM, hv.destroy(hv.dom0().handle()));
        assertEquals(Errno.EPERM, hv.shutdown(hv.dom0().handle(), ShutdownReason.POWEROFF));
    }

    @Test
    void domidsIncreaseAndGenerationsNeverRepeat() {
        DomainHandle a = create("a");
        DomainHandle b = create("b");
        assertEquals(1, a.domid());
        assertEquals(2, b.domid());
        assertTrue(b.generation() > a.generation());
        hv.destroy(a);
        DomainHandle a2 = create("a");
        assertEquals(3, a2.domid(), "Xen hands out the next domid, not the freed one");
        assertTrue(a2.generation() > b.generation());
    }

    @Test
    void aDomainCanBeRenamedAndItsNameFreed() {
        DomainHandle a = create("web");
        assertEquals(Errno.OK, hv.rename(a, "web-old"));
        assertEquals("web-old", dom(a).name());
        assertEquals("web-old", hv.dom0().store().read("/local/domain/" + a.domid() + "/name").orThrow());
        assertTrue(hv.createDomain(DomainConfig.named("web")).isOk(), "the old name is free again");
        assertEquals(Errno.EEXIST, hv.rename(a, "web"));
        assertEquals(Errno.EPERM, hv.rename(hv.dom0().handle(), "x"));
    }

    @Test
    void namesAreUnique() {
        create("web");
        assertEquals(Errno.EEXIST, hv.createDomain(DomainConfig.named("web")).errno());
    }

    @Test
    void aStaleHandleFailsCleanlyAfterDestroy() {
        DomainHandle h = create("a");
        hv.destroy(h);
        assertTrue(hv.domain(h).isEmpty());
        assertTrue(hv.info(h).isEmpty());
        assertEquals(Errno.ESRCH, hv.pause(h));
        assertEquals(Errno.ESRCH, hv.shutdown(h, ShutdownReason.REBOOT));
        assertEquals(Errno.ESRCH, hv.destroy(h));
    }

    @Test
    void aHandleOfAnOlderIncarnationDoesNotReachANewDomainWithTheSameDomid() {
        DomainHandle old = new DomainHandle(1, 12345);
        DomainHandle real = create("a");
        assertEquals(1, real.domid());
        assertTrue(hv.domain(old).isEmpty());
        assertEquals(Errno.ESRCH, hv.destroy(old));
        assertTrue(hv.domain(real).isPresent());
    }

    @Test
    void pauseAndUnpause() {
        DomainHandle h = create("a");
        assertEquals(DomainState.RUNNING, dom(h).state());
        assertEquals(Errno.OK, hv.pause(h));
        assertEquals(DomainState.PAUSED, hv.info(h).orElseThrow().state());
        assertEquals(Errno.OK, hv.unpause(h));
        assertEquals(DomainState.RUNNING, dom(h).state());
        assertEquals(Errno.EPERM, hv.pause(hv.dom0().handle()));
    }

    @ParameterizedTest
    @EnumSource(ShutdownReason.class)
    void shutdownRecordsItsReason(ShutdownReason reason) {
        DomainHandle h = create("a");
        assertEquals(Errno.OK, hv.shutdown(h, reason));
        DomainInfo info = hv.info(h).orElseThrow();
        assertEquals(reason, info.shutdownReason());
        assertEquals(reason == ShutdownReason.CRASH ? DomainState.CRASHED : DomainState.SHUTDOWN, info.state());
        assertEquals(Errno.EINVAL, hv.pause(h), "a shut-down domain cannot be paused");
    }

    @Test
    void aShutDownDomainKeepsItsResourcesUntilDestroyed() {
        DomainHandle a = create("a");
        DomainHandle b = create("b");
        int ap = dom(a).evtchn().allocUnbound(b.domid()).orThrow();
        int bp = dom(b).evtchn().bindInterdomain(a.domid(), ap).orThrow();
        hv.shutdown(a, ShutdownReason.CRASH);
        assertEquals(EvtchnState.INTERDOMAIN, dom(b).evtchn().status(bp).orThrow().state());
        hv.destroy(a);
        assertEquals(EvtchnState.UNBOUND, dom(b).evtchn().status(bp).orThrow().state(), "peers see unbound");
        assertEquals(a.domid(), dom(b).evtchn().status(bp).orThrow().remoteDomid());
        assertEquals(Errno.OK, dom(b).evtchn().send(bp), "and their sends are dropped silently");
    }

    @Test
    void theHomeIsMadeAsLibxlMakesIt() {
        DomainHandle h = create("web");
        XenStore d0 = hv.dom0().store();
        String home = "/local/domain/" + h.domid();
        assertEquals("web", d0.read(home + "/name").orThrow());
        assertEquals(List.of(XsPermission.none(0), XsPermission.read(h.domid())), d0.getPermissions(home).orThrow());
        assertEquals(List.of(XsPermission.none(h.domid())), d0.getPermissions(home + "/data").orThrow());
        XenStore own = dom(h).store();
        assertEquals(Errno.OK, own.write("data/greeting", "hello").errno(), "data/ is guest-writable (relative path)");
        assertEquals(Errno.OK, own.write("control/shutdown", "").errno());
        assertEquals(Errno.EACCES, own.write("name", "evil").errno(), "the name is the toolstack's");
    }

    @Test
    void destroyRemovesTheHomeAndFiresReleaseDomain() {
        DomainHandle h = create("a");
        XenStore d0 = hv.dom0().openStore();
        d0.watch("@releaseDomain", "rel").orThrow();
        assertEquals(new WatchEvent("@releaseDomain", "rel"), d0.pollWatchEvent(), "fires once at registration");
        dom(h).store().write("data/x", "1").orThrow();
        hv.destroy(h);
        assertEquals(Errno.ENOENT, d0.read("/local/domain/" + h.domid()).errno());
        List<WatchEvent> events = new ArrayList<>();
        for (WatchEvent e; (e = d0.pollWatchEvent()) != null; ) {
            events.add(e);
        }
        assertTrue(events.contains(new WatchEvent("@releaseDomain", "rel")), events.toString());
    }

    @Test
    void createFiresIntroduceDomain() {
        XenStore d0 = hv.dom0().openStore();
        d0.watch("@introduceDomain", "intro").orThrow();
        d0.pollWatchEvent();
        create("a");
        assertEquals(new WatchEvent("@introduceDomain", "intro"), d0.pollWatchEvent());
    }

    @Test
    void listShowsEveryDomainInDomidOrder() {
        create("a");
        create("b");
        List<DomainInfo> l = hv.list();
        assertEquals(List.of("Domain-0", "a", "b"), l.stream().map(DomainInfo::name).toList());
        assertEquals(List.of(0, 1, 2), l.stream().map(DomainInfo::domid).toList());
    }

    @Test
    void listenersHearEveryStateChange() {
        List<DomainState> seen = new CopyOnWriteArrayList<>();
        hv.addDomainListener(i -> seen.add(i.state()));
        DomainHandle h = create("a");
        hv.pause(h);
        hv.unpause(h);
        hv.shutdown(h, ShutdownReason.CRASH);
        hv.destroy(h);
        assertEquals(List.of(DomainState.RUNNING, DomainState.PAUSED, DomainState.RUNNING, DomainState.CRASHED, DomainState.DYING), seen);
    }

    @Test
    void aDomainCanShutItselfDown() {
        DomainHandle h = create("a");
        dom(h).sched().shutdown(ShutdownReason.REBOOT);
        assertEquals(DomainState.SHUTDOWN, hv.info(h).orElseThrow().state());
        assertEquals(ShutdownReason.REBOOT, hv.info(h).orElseThrow().shutdownReason());
    }

    @Test
    void memoryIsLimitedToTheConfiguredPages() {
        DomainHandle h = hv.createDomain(DomainConfig.named("tiny").withMaxPages(3)).orThrow();
        XenDomain d = dom(h);
        for (int i = 0; i < 3; i++) {
            assertTrue(d.memory().allocPage().isOk());
        }
        assertEquals(Errno.ENOMEM, d.memory().allocPage().errno());
        assertEquals(3, hv.info(h).orElseThrow().pagesInUse());
    }

    @Test
    void closingTheHypervisorDestroysEveryDomain() {
        DomainHandle a = create("a");
        hv.close();
        assertTrue(hv.domain(a).isEmpty());
        assertEquals(1, hv.list().size());
    }

    @Test
    void badConfigsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainConfig.named("x").withVcpus(33));
        assertTrue(e.getMessage().contains("vcpus"));
        assertThrows(IllegalArgumentException.class, () -> DomainConfig.named(" "));
    }
}
