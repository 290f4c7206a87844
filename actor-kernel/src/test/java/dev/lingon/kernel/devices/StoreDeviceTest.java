package dev.lingon.kernel.devices;

import static dev.lingon.kernel.devices.TestDomain.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.kernel.api.StoreClient;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Processes;
import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.WatchEvent;
import dev.lingon.xen.api.XenStore;
import dev.lingon.xen.api.XsPermission;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The store device: each operation, errors as values, watches as messages, transactions, restarts. */
class StoreDeviceTest {

    private Hypervisor hv;
    private TestDomain dom;
    private StoreDevice store;
    private String home;

    @BeforeEach
    void boot() {
        hv = Hypervisors.inProcess();
        dom = TestDomain.boot(hv, "xs");
        store = StoreDevice.start(dom);
        dom.startDevices(store);
        home = "/local/domain/" + dom.domid();
    }

    @AfterEach
    void shutdown() {
        dom.close();
        hv.close();
    }

    static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("store request did not complete", e);
        }
    }

    static Behavior<WatchEvent> collector(Queue<WatchEvent> into) {
        return Behaviors.receive(WatchEvent.class)
                .onMessage(WatchEvent.class, e -> {
                    into.add(e);
                    return Behaviors.same();
                })
                .build();
    }

    private ActorRef<WatchEvent> subscriber(String name, Queue<WatchEvent> into) {
        return dom.typedSystem().systemActorOf(collector(into), name, Props.empty());
    }

    private XenStore dom0() {
        return hv.dom0().store();
    }

    @Test
    void writeReadMkdirDirectoryAndRm() {
        assertEquals(Result.ok(), join(store.write("data/a", "1")));
        assertEquals(Result.ok("1"), join(store.read("data/a")));
        assertEquals(Result.ok("1"), join(store.read(home + "/data/a")), "absolute and relative paths name the same node");
        assertEquals(Result.ok(), join(store.mkdir("data/dir")));
        assertEquals(Result.ok(), join(store.write("data/dir/y", "b")));
        assertEquals(Result.ok(), join(store.write("data/dir/x", "a")));
        assertEquals(Result.ok(List.of("y", "x")), join(store.directory("data/dir")), "creation order, as C xenstored keeps it");
        assertEquals(Result.ok(), join(store.rm("data/dir")));
        assertEquals(Errno.ENOENT, join(store.read("data/dir/x")).errno());
        assertEquals(Result.ok("1"), dom0().read(home + "/data/a"), "the writes reached xenstored");
    }

    @Test
    void permissionsAreReadAndSet() {
        int me = dom.domid();
        join(store.write("data/p", "v"));
        assertEquals(Result.ok(List.of(XsPermission.none(me))), join(store.getPermissions("data/p")),
                "a new node copies data/'s permissions: owned by the domain, closed to others");
        List<XsPermission> shared = List.of(XsPermission.none(me), XsPermission.read(7));
        assertEquals(Result.ok(), join(store.setPermissions("data/p", shared)));
        assertEquals(Result.ok(shared), join(store.getPermissions("data/p")));
    }

    @Test
    void xenstoredErrorsAreValues() {
        assertEquals(Errno.ENOENT, join(store.read("data/missing")).errno());
        assertEquals(Errno.ENOENT, join(store.directory("data/missing")).errno());
        assertEquals(Errno.EACCES, join(store.read("/local/domain/0/name")).errno(), "dom0's home is closed to guests");
        assertEquals(Errno.EACCES, join(store.write("/local/domain/0/x", "v")).errno());
        assertEquals(Errno.EACCES, join(store.rm("name")).errno(), "the home's name is dom0's");
        assertEquals(Errno.EACCES, join(store.setPermissions("name", List.of(XsPermission.both(dom.domid())))).errno());
        assertEquals(Errno.EACCES, join(store.mkdir("control/x")).errno(), "control/ is the toolstack's");
    }

    @Test
    void requestsAreCarriedOutInTheOrderTheyWereMade() {
        List<CompletionStage<Result<String>>> reads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            store.write("data/seq", Integer.toString(i));
            reads.add(store.read("data/seq"));
        }
        for (int i = 0; i < 300; i++) {
            assertEquals(Result.ok(Integer.toString(i)), join(reads.get(i)));
        }
    }

    @Test
    void watchEventsArriveAsMessages() {
        Queue<WatchEvent> events = new ConcurrentLinkedQueue<>();
        ActorRef<WatchEvent> sub = subscriber("sub", events);
        assertEquals(Result.ok(), join(store.watch("data/w", "tok", sub)));
        eventually().until(() -> events.contains(new WatchEvent("data/w", "tok")));
        dom0().write(home + "/data/w/x", "1").orThrow();
        eventually().until(() -> events.contains(new WatchEvent("data/w/x", "tok")));

        Queue<WatchEvent> absolute = new ConcurrentLinkedQueue<>();
        assertEquals(Result.ok(), join(store.watch(home + "/data/v", "abs", subscriber("abs", absolute))));
        dom0().write(home + "/data/v", "2").orThrow();
        eventually().until(() -> absolute.contains(new WatchEvent(home + "/data/v", "abs")));
        assertTrue(absolute.stream().allMatch(e -> e.token().equals("abs")), "events go to their own watch only: " + absolute);
        assertTrue(events.stream().allMatch(e -> e.token().equals("tok")), "events go to their own watch only: " + events);
    }

    @Test
    void unwatchStopsEventsAndDuplicatesAreRefused() {
        Queue<WatchEvent> events = new ConcurrentLinkedQueue<>();
        ActorRef<WatchEvent> sub = subscriber("sub", events);
        assertEquals(Result.ok(), join(store.watch("data/u", "t", sub)));
        assertEquals(Errno.EEXIST, join(store.watch("data/u", "t", sub)).errno());
        assertEquals(List.of("data/u t"), store.watchedPaths());
        assertEquals(Result.ok(), join(store.unwatch("data/u", "t")));
        assertEquals(List.of(), store.watchedPaths());
        assertEquals(Errno.ENOENT, join(store.unwatch("data/u", "t")).errno());
        // A watch made after the unwatch sees this write; the unwatched one must not have.
        Queue<WatchEvent> marker = new ConcurrentLinkedQueue<>();
        dom0().write(home + "/data/u/late", "1").orThrow();
        join(store.watch("data/u/late", "m", subscriber("marker", marker)));
        eventually().until(() -> !marker.isEmpty());
        assertTrue(events.stream().noneMatch(e -> e.path().equals("data/u/late")), events.toString());
    }

    @Test
    void aSubscriberThatStopsLosesItsWatches() {
        // Stops when it hears of data/s/stop.
        ActorRef<WatchEvent> sub = dom.typedSystem().systemActorOf(Behaviors.receive(WatchEvent.class)
                .onMessage(WatchEvent.class, e -> e.path().endsWith("/stop") ? Behaviors.stopped() : Behaviors.same())
                .build(), "short-lived", Props.empty());
        join(store.watch("data/s", "a", sub));
        join(store.watch("data/t", "b", sub));
        assertEquals(List.of("data/s a", "data/t b"), store.watchedPaths());
        dom0().write(home + "/data/s/stop", "1").orThrow();
        eventually().until(() -> store.watchedPaths().isEmpty());
    }

    @Test
    void aTransactionStartsOverWhenItsCommitConflicts() {
        dom0().write(home + "/data/counter", "0").orThrow();
        AtomicInteger attempts = new AtomicInteger();
        Result<Integer> r = join(store.transaction(tx -> {
            int n = attempts.incrementAndGet();
            String v = tx.read("data/counter").orThrow();
            if (n == 1) {
                // Another domain changes the node this transaction read: its commit must fail.
                dom0().write(home + "/data/counter", "changed").orThrow();
            }
            return tx.write("data/counter", v + "+1").map(ok -> n);
        }, 5));
        assertEquals(Result.ok(2), r);
        assertEquals(Result.ok("changed+1"), dom0().read(home + "/data/counter"));
    }

    @Test
    void aTransactionGivesUpAfterMaxAttempts() {
        dom0().write(home + "/data/hot", "0").orThrow();
        AtomicInteger attempts = new AtomicInteger();
        Result<Void> r = join(store.transaction(tx -> {
            int n = attempts.incrementAndGet();
            tx.read("data/hot").orThrow();
            dom0().write(home + "/data/hot", "other-" + n).orThrow();
            return tx.write("data/hot", "mine");
        }, 3));
        assertEquals(Errno.EAGAIN, r.errno());
        assertEquals(3, attempts.get());
        assertEquals(Result.ok("other-3"), dom0().read(home + "/data/hot"));
    }

    @Test
    void aBodyAnsweringAnErrorAbortsTheTransaction() {
        Result<String> r = join(store.transaction(tx -> {
            tx.write("data/t1", "x").orThrow();
            return tx.read("data/absent");
        }, 3));
        assertEquals(Errno.ENOENT, r.errno());
        assertEquals(Errno.ENOENT, dom0().read(home + "/data/t1").errno(), "the transaction's write was aborted");
    }

    @Test
    void aBodyThatThrowsFailsTheStageAndTheDeviceGoesOn() {
        IllegalStateException boom = new IllegalStateException("boom");
        CompletionStage<Result<Void>> failed = store.transaction(tx -> {
            tx.write("data/t2", "x").orThrow();
            throw boom;
        }, 3);
        CompletionException e = assertThrows(CompletionException.class, () -> failed.toCompletableFuture().join());
        assertEquals(boom, e.getCause());
        assertEquals(Errno.ENOENT, join(store.read("data/t2")).errno());
        List<StoreClient.Transaction> leaked = new ArrayList<>();
        join(store.transaction(tx -> {
            leaked.add(tx);
            return Result.ok();
        }, 1));
        IllegalStateException misuse = assertThrows(IllegalStateException.class, () -> leaked.getFirst().read("data"));
        assertTrue(misuse.getMessage().contains("after its body returned"), misuse.getMessage());
    }

    @Test
    void theClientKeepsWorkingAcrossRestartsOfTheDeviceActor() {
        Queue<WatchEvent> events = new ConcurrentLinkedQueue<>();
        join(store.watch("data/r", "r", subscriber("sub", events)));
        join(store.write("data/r/before", "1"));

        Pid before = dom.devicePid(StoreDevice.CHILD_ID);
        Processes.sendExit(before, ExitReason.kill());
        // Made while the worker is being restarted: they wait in the device's queue.
        List<CompletionStage<Result<Void>>> writes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            writes.add(store.write("data/r/n" + i, Integer.toString(i)));
        }
        for (CompletionStage<Result<Void>> w : writes) {
            assertEquals(Result.ok(), join(w));
        }
        eventually().ignoreExceptions().until(() -> dom.devicePid(StoreDevice.CHILD_ID) != before);
        assertNotSame(before, dom.devicePid(StoreDevice.CHILD_ID));
        assertEquals(Result.ok("49"), join(store.read("data/r/n49")));

        events.clear();
        dom0().write(home + "/data/r/after", "2").orThrow();
        eventually().until(() -> events.contains(new WatchEvent("data/r/after", "r")));
        assertEquals(List.of("data/r r"), store.watchedPaths(), "the watch was registered again on the new connection");
    }

    @Test
    void aClosedDeviceRefusesRequests() {
        store.close();
        CompletionException e = assertThrows(CompletionException.class, () -> store.read("data").toCompletableFuture().join());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
    }

    @Test
    void misuseIsRefusedAtTheCall() {
        assertThrows(IllegalArgumentException.class, () -> store.transaction(tx -> Result.ok(), 0));
        assertThrows(NullPointerException.class, () -> store.read(null));
        assertThrows(NullPointerException.class, () -> store.watch("data", "t", null));
    }
}
