package dev.lingon.kernel.process;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.boot.BootedDomain;
import dev.lingon.kernel.dom0.Dom0;
import dev.lingon.kernel.process.ProcessTestApps.Msg;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.DomainState;
import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.api.EvtchnStatus;
import dev.lingon.xen.api.GntStatus;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.MapResult;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.mailbox.XenMailboxes;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process domains for real: each domain below runs in a JVM process of its own, started by dom0's
 * toolstack, talking to dom0's hypervisor over the hypercall socket and to other domains through Xen
 * mailboxes on shared memory.
 */
class ProcessDomainsTest {

    @TempDir
    static Path cds;

    private Dom0 dom0;

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Dom0.processDomainsAvailable(), "process domains need Linux futexes");
    }

    private Dom0 dom0() {
        if (dom0 == null) {
            dom0 = Dom0.startWithProcessDomains(cds.resolve("cores"),
                    DomainProcessCommand.Settings.ofThisJvm(Optional.of(cds.resolve("domains.jsa")), List.of()));
        }
        return dom0;
    }

    @AfterEach
    void stopDom0() {
        if (dom0 != null) {
            dom0.close();
        }
    }

    private static DomainSpec process(String name, Class<? extends dev.lingon.kernel.api.Application> app) {
        return DomainSpec.of(name, app).withBackend(DomainSpec.Backend.PROCESS).withMemory(128);
    }

    private ProcessDomains.DomainProcess processOf(String name) {
        int domid = dom0().toolstack().list().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow().domid();
        return dom0().processDomains().orElseThrow().process(dom0().hypervisor().domain(domid).orElseThrow().handle()).orElseThrow();
    }

    private static Msg.Report check(ActorSystem<?> system, ActorRef<Msg> sink) {
        return (Msg.Report) AskPattern.<Msg, Msg>ask(sink, Msg.Check::new, Duration.ofSeconds(20), system.scheduler())
                .toCompletableFuture().join();
    }

    @Test
    void aProcessDomainBootsInItsOwnJvmAndReportsReady() {
        DomainStatus st = dom0().toolstack().create(process("idle", ProcessTestApps.Idle.class));

        ProcessDomains.DomainProcess p = processOf("idle");
        assertTrue(p.isAlive());
        assertTrue(p.pid() != ProcessHandle.current().pid());
        assertEquals(DomainState.RUNNING, dom0().hypervisor().domain(st.domid()).orElseThrow().state());
        assertEquals("1", dom0().hypervisor().dom0().store().read("/local/domain/" + st.domid() + "/" + ProcessDomains.READY_NODE).orThrow());
        // an idle domain's vCPUs sleep on the doorbells of its file: dom0 sees it blocked, as xl list shows 'b'
        await().atMost(Duration.ofSeconds(10)).until(() -> dom0().toolstack().list().stream()
                .anyMatch(d -> d.name().equals("idle") && d.state() == 'b'));
        // top reads the figures the process publishes in XenStore
        await().atMost(Duration.ofSeconds(10)).until(() -> dom0().toolstack().top().stream().anyMatch(t -> t.name().equals("idle")));
    }

    @Test
    void aProcessDomainsLogLinesReachDom0OverItsConsoleRing() throws Exception {
        dom0().toolstack().create(process("chatty", ProcessTestApps.Chatty.class));
        long pid = processOf("chatty").pid();
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        try (AutoCloseable follow = dom0().toolstack().console("chatty", true, lines::add)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> lines.stream().anyMatch(l -> l.contains("hello from chatty in process " + pid)));
        }
    }

    @Test
    void actorMessagesCrossProcessesInOrderWithTheirChecksums() {
        DomainStatus sinkDom = dom0().toolstack().create(process("sink", ProcessTestApps.Sink.class));
        dom0().toolstack().create(DomainSpec.of("sender", ProcessTestApps.Sink.class));
        ActorSystem<?> sender = dom0().toolstack().booted("sender").map(BootedDomain::system).orElseThrow();
        ActorRef<Msg> sink = XenMailboxes.get(sender).<Msg>lookup(sinkDom.domid(), "sink").orThrow();

        long n = 0;
        long sum = 0;
        for (int batch = 0; batch < 100; batch++) {
            for (int i = 0; i < 1000; i++, n++) {
                sink.tell(new Msg.Seq(n, ProcessTestApps.valueOf(n)));
                sum += ProcessTestApps.valueOf(n);
            }
            // Each Check waits for the batch before it: a window of 1000, so the ring never overflows.
            assertEquals(n, check(sender, sink).count());
        }

        assertEquals(new Msg.Report(100_000, sum, 0, 0), check(sender, sink));
    }

    @Test
    void sigkillOfAStreamingDomainIsSeenAtOnceAndOthersKeepRunning() throws Exception {
        dom0().toolstack().create(DomainSpec.of("sink", ProcessTestApps.Sink.class));
        DomainStatus streamerDom = dom0().toolstack().create(process("streamer", ProcessTestApps.Streamer.class));
        ActorSystem<?> sinkSystem = dom0().toolstack().booted("sink").map(BootedDomain::system).orElseThrow();
        XenMailboxes mailboxes = XenMailboxes.get(sinkSystem);
        ActorRef<Msg> streamer = mailboxes.<Msg>lookup(streamerDom.domid(), "streamer").orThrow();
        ActorRef<Msg> sink = ProcessTestApps.LOCAL_SINKS.get("sink");
        CompletableFuture<Terminated> terminated = new CompletableFuture<>();
        sinkSystem.systemActorOf(Behaviors.<Void>setup(ctx -> {
            ctx.watch(streamer);
            return Behaviors.receive(Void.class).onSignal(Terminated.class, t -> {
                terminated.complete(t);
                return Behaviors.same();
            }).build();
        }), "watcher", org.apache.pekko.actor.typed.Props.empty());
        streamer.tell(new Msg.Stream(sink));
        await().atMost(Duration.ofSeconds(30)).until(() -> check(sinkSystem, sink).count() > 20_000);

        ProcessDomains.DomainProcess p = processOf("streamer");
        assertTrue(Signals.send(p.pid(), Signals.SIGKILL));

        terminated.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> dom0().toolstack().list().stream().noneMatch(d -> d.name().equals("streamer")));
        Msg.Report r = check(sinkSystem, sink);
        assertEquals(0, r.outOfOrder(), r::toString);
        assertEquals(0, r.corrupt(), "no partial or torn message was delivered: " + r);
        DomainState sinkState = dom0().hypervisor().domain(currentDomid("sink")).orElseThrow().state();
        assertTrue(sinkState == DomainState.RUNNING || sinkState == DomainState.BLOCKED, "the sink lives on: " + sinkState);
        assertEquals(r.count(), check(sinkSystem, sink).count(), "the sink still answers, and nothing more arrived");
    }

    @Test
    void aKilledDomainsPortsCloseItsGrantsEndAndItsXenStoreHomeGoes() throws Exception {
        Hypervisor hv = dom0().hypervisor();
        XenDomain peer = hv.domain(hv.createDomain(DomainConfig.named("peer")).orThrow()).orElseThrow();
        CompletableFuture<Void> released = new CompletableFuture<>();
        XenStore watcher = hv.dom0().openStore();
        watcher.onWatchEvent(ev -> {
            if (ev.path().equals("@releaseDomain") && !released.isDone() && dom0().toolstack().list().stream()
                    .noneMatch(d -> d.name().equals("binder"))) {
                released.complete(null);
            }
        });
        int domid = hv.list().stream().mapToInt(i -> i.domid()).max().orElseThrow() + 1;
        int reserved = peer.evtchn().allocUnbound(domid).orThrow();
        DomainStatus st = dom0().toolstack().create(process("binder", ProcessTestApps.Binder.class)
                .withExtra(java.util.Map.of("peer", Integer.toString(peer.domid()), "port", Integer.toString(reserved))));
        assertEquals(domid, st.domid(), "the binder got the domid its port was reserved for");
        String home = "/local/domain/" + domid;
        await().atMost(Duration.ofSeconds(20)).until(() -> hv.dom0().store().read(home + "/data/test/done").isOk());
        int ref = Integer.parseInt(hv.dom0().store().read(home + "/data/test/done").orThrow().split(" ")[1]);
        assertEquals(EvtchnState.INTERDOMAIN, peer.evtchn().status(reserved).orThrow().state());
        MapResult.Mapped mapped = (MapResult.Mapped) peer.gnttab().map(domid, ref, false);
        assertEquals(ProcessTestApps.PAGE_MARK, mapped.page().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        watcher.watch("@releaseDomain", "released").orThrow();

        assertTrue(Signals.send(processOf("binder").pid(), Signals.SIGKILL));

        released.get(20, TimeUnit.SECONDS);
        EvtchnStatus port = peer.evtchn().status(reserved).orThrow();
        assertEquals(EvtchnState.UNBOUND, port.state(), "the peer's end is unbound again");
        assertEquals(domid, port.remoteDomid(), "and still reserved for the dead domain's id");
        assertEquals(ProcessTestApps.PAGE_MARK, mapped.page().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0),
                "an existing mapping stays valid until it is unmapped, as in Xen");
        assertEquals(new MapResult.Refused(GntStatus.GNTST_bad_domain), peer.gnttab().map(domid, ref, false),
                "a new map of its grant is refused");
        assertEquals(GntStatus.GNTST_okay, peer.gnttab().unmap(mapped.handle()));
        assertFalse(hv.dom0().store().read(home).isOk(), "its XenStore home is gone");
        watcher.close();
    }

    private int currentDomid(String name) {
        return dom0().toolstack().list().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow().domid();
    }

    @Test
    void aKilledDomainIsRestartedByItsOnCrash() {
        DomainSpec spec = process("phoenix", ProcessTestApps.Idle.class)
                .withPolicy(DomainRestartPolicy.defaults().withOnCrash(DomainAction.RESTART).withIntensity(3, Duration.ofSeconds(60)));
        int first = dom0().toolstack().create(spec).domid();
        long pid = processOf("phoenix").pid();

        assertTrue(Signals.send(pid, Signals.SIGKILL));

        await().atMost(Duration.ofSeconds(60)).until(() -> dom0().toolstack().list().stream()
                .anyMatch(d -> d.name().equals("phoenix") && d.domid() != first));
        int second = currentDomid("phoenix");
        await().atMost(Duration.ofSeconds(60)).until(() -> dom0().hypervisor().dom0().store()
                .read("/local/domain/" + second + "/" + ProcessDomains.READY_NODE).isOk());
        assertTrue(processOf("phoenix").pid() != pid);
        assertTrue(processOf("phoenix").isAlive());
        assertTrue(dom0().hypervisor().domain(first).isEmpty(), "the crashed incarnation is destroyed");
    }

    @Test
    void pauseStopsTheProcessAndUnpauseResumesIt() throws IOException {
        dom0().toolstack().create(process("sleepy", ProcessTestApps.Idle.class));
        long pid = processOf("sleepy").pid();

        dom0().toolstack().pause("sleepy");
        await().atMost(Duration.ofSeconds(5)).until(() -> processState(pid) == 'T');
        assertEquals('p', dom0().toolstack().list().stream().filter(d -> d.name().equals("sleepy")).findFirst().orElseThrow().state());

        dom0().toolstack().unpause("sleepy");
        await().atMost(Duration.ofSeconds(5)).until(() -> processState(pid) != 'T');
        assertTrue(processOf("sleepy").isAlive());
    }

    private static char processState(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    @Test
    void shutdownPowersTheDomainOffAndItsProcessExits() {
        dom0().toolstack().create(process("polite", ProcessTestApps.Idle.class));
        ProcessDomains.DomainProcess p = processOf("polite");

        dom0().toolstack().shutdown("polite");

        await().atMost(Duration.ofSeconds(20)).until(() -> !p.isAlive());
        await().atMost(Duration.ofSeconds(5)).until(() -> dom0().toolstack().list().stream().noneMatch(d -> d.name().equals("polite")));
    }

    @Test
    void twentyStartStopCyclesLeaveNoProcessFileOrDescriptorBehind() throws IOException {
        Dom0 d = dom0();
        d.toolstack().create(process("warm-up", ProcessTestApps.Idle.class));
        d.toolstack().destroy("warm-up");
        assertTrue(d.processDomains().orElseThrow().awaitStopped(Duration.ofSeconds(30)));
        long fds = openDescriptors();
        Path runDir = d.processDomains().orElseThrow().hypercallSocket().getParent();
        long files = filesIn(runDir);

        for (int i = 0; i < 20; i++) {
            d.toolstack().create(process("cycle", ProcessTestApps.Idle.class));
            d.toolstack().destroy("cycle");
        }

        assertTrue(d.processDomains().orElseThrow().awaitStopped(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
        await().atMost(Duration.ofSeconds(10)).until(() -> filesIn(runDir) == files);
        await().atMost(Duration.ofSeconds(10)).until(() -> openDescriptors() <= fds + 4);
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void aWarmSpareBecomesTheNextDomainOfItsShapeAndIsReplaced() {
        dom0 = Dom0.startWithProcessDomains(cds.resolve("cores"),
                DomainProcessCommand.Settings.ofThisJvm(Optional.of(cds.resolve("domains.jsa")), List.of()).withSpares(1));
        ProcessDomains pd = dom0.processDomains().orElseThrow();
        dom0.toolstack().create(process("first", ProcessTestApps.Idle.class));
        await().atMost(Duration.ofSeconds(60)).until(() -> pd.warmSpares().size() == 1);
        long spare = pd.warmSpares().getFirst();

        DomainStatus second = dom0.toolstack().create(process("second", ProcessTestApps.Idle.class));

        assertEquals(spare, processOf("second").pid(), "the spare became the domain");
        assertEquals("1", dom0.hypervisor().dom0().store().read("/local/domain/" + second.domid() + "/" + ProcessDomains.READY_NODE).orThrow());
        await().atMost(Duration.ofSeconds(60)).until(() -> pd.warmSpares().size() == 1 && pd.warmSpares().getFirst() != spare);
        // A domain of another shape gets no spare of this one.
        dom0.toolstack().create(process("bigger", ProcessTestApps.Idle.class).withMemory(192));
        assertTrue(processOf("bigger").pid() != pd.warmSpares().getFirst());

        dom0.close();
        dom0 = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    @Test
    void aProcessDomainNeedsADom0WithTheProcessBackend() {
        try (Dom0 plain = Dom0.start(cds.resolve("cores"))) {
            Dom0Exception e = org.junit.jupiter.api.Assertions.assertThrows(Dom0Exception.class,
                    () -> plain.toolstack().create(process("nowhere", ProcessTestApps.Idle.class)));
            assertTrue(e.getMessage().contains("backend 'process' is not available"), e.getMessage());
        }
    }

    @Test
    void aDomainThatCannotBootIsReportedAndCrashed() {
        Dom0Exception e = org.junit.jupiter.api.Assertions.assertThrows(Dom0Exception.class,
                () -> dom0().toolstack().create(process("broken", BrokenApp.class)));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
        await().atMost(Duration.ofSeconds(20)).until(() -> dom0().toolstack().list().stream().noneMatch(d -> d.name().equals("broken")));
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive));
    }

    /** An application whose only child fails to start. */
    public static final class BrokenApp implements dev.lingon.kernel.api.Application {
        @Override
        public dev.lingon.supervision.api.SupervisorSpec supervisor(dev.lingon.kernel.api.DomainContext ctx) {
            return dev.lingon.supervision.api.SupervisorSpec.builder().strategy(dev.lingon.supervision.api.Strategy.ONE_FOR_ONE)
                    .child(dev.lingon.supervision.api.ChildSpec.worker("doomed", () -> {
                        throw new IllegalStateException("cannot start");
                    })).build();
        }
    }
}
