package dev.lingon.supervision;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ChildCounts;
import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ChildStart;
import dev.lingon.supervision.api.ChildType;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorRef;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;

/**
 * simple_one_for_one: one dynamic spec, children added with start_child(ExtraArgs) and restarted with the
 * same arguments; they stop in parallel under one kill timer; calls by id answer simple_one_for_one.
 */
class SimpleOneForOneTest extends SupervisionTestBase {

    /** Each child is a worker named after its first extra argument. */
    private static ChildSpec.Builder dynamic(EventLog log, Worker.Option... options) {
        return ChildSpec.builder("dyn").startWith(args -> {
            Worker w = Worker.named((String) args.getFirst(), log);
            for (Worker.Option o : options) {
                o.apply(w);
            }
            return w.init();
        });
    }

    private SupervisorRef simple(ChildSpec spec) {
        return sup(startSupervisor(SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE).intensity(10)
                .child(spec).build()));
    }

    private static Pid started(Object reply) {
        return assertInstanceOf(Reply.Started.class, reply).pid();
    }

    @Test
    void startsChildrenFromExtraArgumentsAndRestartsThemWithTheSameArguments() {
        EventLog log = new EventLog();
        SupervisorRef sup = simple(dynamic(log).build());
        assertEquals(List.of(), result(sup.whichChildren()));

        Pid x = started(result(sup.startChild(List.of("x"))));
        Pid y = started(result(sup.startChild(List.of("y"))));
        assertEquals(List.of("start:x", "start:y"), log.events());
        assertEquals(List.of(dynamicChild(y), dynamicChild(x)), result(sup.whichChildren()));
        assertEquals(new ChildCounts(1, 2, 0, 2), result(sup.countChildren()));

        x.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        Pid x2 = awaitStarted(log, "x", 2);
        awaitChildren(sup.pid(), List.of(dynamicChild(x2), dynamicChild(y)));
        assertEquals(1, log.count("start:y"));
    }

    @Test
    void temporaryAndTransientChildrenAreRemovedWhenNotRestarted() {
        EventLog log = new EventLog();
        SupervisorRef tmp = simple(dynamic(log).restart(RestartType.TEMPORARY).build());
        Pid t = started(result(tmp.startChild(List.of("t"))));
        t.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        awaitChildren(tmp.pid(), List.of());

        SupervisorRef tr = simple(dynamic(log).restart(RestartType.TRANSIENT).build());
        Pid n = started(result(tr.startChild(List.of("n"))));
        Pid c = started(result(tr.startChild(List.of("c"))));
        n.<Worker.Cmd>ref().tell(new Worker.Stop());
        c.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        Pid c2 = awaitStarted(log, "c", 2);
        awaitChildren(tr.pid(), List.of(dynamicChild(c2)));
        assertEquals(1, log.count("start:t"));
        assertEquals(1, log.count("start:n"));
    }

    @Test
    void callsByIdAnswerSimpleOneForOne() {
        EventLog log = new EventLog();
        SupervisorRef sup = simple(dynamic(log).build());
        Pid x = started(result(sup.startChild(List.of("x"))));

        assertEquals(new Reply.SimpleOneForOne(), result(sup.terminateChild("dyn")));
        assertEquals(new Reply.SimpleOneForOne(), result(sup.restartChild("dyn")));
        assertEquals(new Reply.SimpleOneForOne(), result(sup.deleteChild("dyn")));
        assertInstanceOf(Reply.BadChildSpec.class, result(sup.startChild(Worker.named("z", log).spec().build())));

        Pid stranger = started(result(simple(dynamic(log).build()).startChild(List.of("stranger"))));
        assertEquals(new Reply.NotFound(), result(sup.terminateChild(stranger)), "alive, but not this supervisor's");

        assertEquals(new Reply.Ok(), result(sup.terminateChild(x)));
        assertEquals(ExitReason.shutdown(), x.exitReason().orElseThrow());
        assertEquals(List.of(), result(sup.whichChildren()));
        assertEquals(new Reply.Ok(), result(sup.terminateChild(x)), "a dead pid is ok");
    }

    @Test
    void ignoreAndFailedStarts() {
        EventLog log = new EventLog();
        SupervisorRef sup = simple(dynamic(log, w -> w.ignoreNextStarts(1)).build());
        assertEquals(new Reply.Ignored(), result(sup.startChild(List.of("i"))));
        assertEquals(new ChildCounts(1, 0, 0, 0), result(sup.countChildren()), "an ignored child is not kept");

        SupervisorRef failing = simple(dynamic(log, w -> w.failNextStarts(1)).build());
        Reply.Failed failed = assertInstanceOf(Reply.Failed.class, result(failing.startChild(List.of("f"))));
        assertEquals(ExitReason.error(new Worker.WorkerCrash("init of f")), failed.reason());
        assertEquals(List.of(), result(failing.whichChildren()));
    }

    @Test
    void aFailedRestartLeavesTheChildRestartingUntilARetrySucceeds() {
        EventLog log = new EventLog();
        AtomicBoolean failing = new AtomicBoolean();
        ChildStart start = args -> {
            if (failing.get()) {
                throw new IllegalStateException("cannot start now");
            }
            return Worker.named((String) args.getFirst(), log).init();
        };
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().strategy(Strategy.SIMPLE_ONE_FOR_ONE)
                .intensity(1_000_000).child(ChildSpec.builder("dyn").startWith(start).build()).build()));
        Pid x = started(result(sup.startChild(List.of("x"))));

        failing.set(true);
        x.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        awaitChildren(sup.pid(), List.of(new ChildInfo(Optional.empty(), new ChildInfo.Restarting(), ChildType.WORKER)));
        assertEquals(new ChildCounts(1, 0, 0, 1), result(sup.countChildren()), "restarting is not active");

        failing.set(false);
        Pid x2 = awaitStarted(log, "x", 2);
        awaitChildren(sup.pid(), List.of(dynamicChild(x2)));
    }

    @Test
    void childrenStopInParallelUnderOneKillTimer() {
        EventLog log = new EventLog();
        TestProbe<SupervisorReport> reports = runtime.reports();
        SupervisorRef sup = simple(dynamic(log, Worker::ignoringShutdown).shutdown(Shutdown.millis(1000)).build());
        Set<Pid> pids = new HashSet<>();
        for (String name : List.of("a", "b", "c")) {
            pids.add(started(result(sup.startChild(List.of(name)))));
        }

        var stopped = sup.stop(ExitReason.shutdown());
        // Every child got its shutdown signal before any is killed: they stop in parallel.
        await().until(() -> log.matching("exit:").size() == 3);
        assertEquals(Set.of("exit:a:shutdown", "exit:b:shutdown", "exit:c:shutdown"), Set.copyOf(log.matching("exit:")));
        runtime.advance(Duration.ofMillis(1000));

        assertEquals(ExitReason.shutdown(), result(stopped));
        for (Pid p : pids) {
            assertEquals(ExitReason.killed(), p.exitReason().orElseThrow());
        }
        List<SupervisorReport> got = reportsSoFar(reports);
        assertEquals(1, got.size(), "one shutdown_error per reason: " + got);
        SupervisorReport.ShutdownError error = assertInstanceOf(SupervisorReport.ShutdownError.class, got.getFirst());
        assertEquals(ExitReason.killed(), error.reason());
        assertEquals(pids, Set.copyOf(error.offender().pids()));
        assertTrue(error.offender().toString().contains("nb_children=3"), error.offender().toString());
    }
}
