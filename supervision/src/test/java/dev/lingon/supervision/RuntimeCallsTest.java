package dev.lingon.supervision;

import dev.lingon.supervision.api.Processes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lingon.supervision.api.ChildCounts;
import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ChildType;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.NoProcException;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorRef;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.testkit.EventLog;
import dev.lingon.supervision.testkit.SupervisionTestBase;
import dev.lingon.supervision.testkit.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * start_child, terminate_child, restart_child, delete_child, which_children and count_children, with OTP's
 * answers (supervisor_SUITE's child_adm).
 */
class RuntimeCallsTest extends SupervisionTestBase {

    @Test
    void childAdministration() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build()).build()));
        Pid a = awaitStarted(log, "a", 1);
        ChildSpec b = Worker.named("b", log).spec().build();

        Pid b1 = assertInstanceOf(Reply.Started.class, result(sup.startChild(b))).pid();
        assertSame(b1, log.pid("b"));
        assertEquals(List.of(started("b", b1), started("a", a)), result(sup.whichChildren()), "newest first");
        assertEquals(new Reply.AlreadyStarted(b1), result(sup.startChild(b)));

        assertEquals(new Reply.Ok(), result(sup.terminateChild("b")));
        assertEquals(ExitReason.shutdown(), b1.exitReason().orElseThrow());
        assertEquals(List.of(undefined("b"), started("a", a)), result(sup.whichChildren()));
        assertEquals(new Reply.AlreadyPresent(), result(sup.startChild(b)));

        Pid b2 = assertInstanceOf(Reply.Started.class, result(sup.restartChild("b"))).pid();
        assertNotSame(b1, b2);
        assertEquals(new Reply.Running(), result(sup.restartChild("b")));
        assertEquals(new Reply.Running(), result(sup.deleteChild("b")));

        assertEquals(new Reply.Ok(), result(sup.terminateChild("b")));
        assertEquals(new Reply.Ok(), result(sup.terminateChild("b")), "terminating a stopped child is ok");
        assertEquals(new Reply.Ok(), result(sup.deleteChild("b")));
        assertEquals(List.of(started("a", a)), result(sup.whichChildren()));

        assertEquals(new Reply.NotFound(), result(sup.deleteChild("b")));
        assertEquals(new Reply.NotFound(), result(sup.terminateChild("b")));
        assertEquals(new Reply.NotFound(), result(sup.restartChild("b")));
        assertEquals(new Reply.NotFound(), result(sup.terminateChild(a)), "a pid is not a child id");
        assertEquals(List.of("start:a", "start:b", "stop:b", "start:b", "stop:b"), log.events());
    }

    @Test
    void terminatingATemporaryChildRemovesIt() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().build()));
        result(sup.startChild(Worker.named("t", log).spec().restart(RestartType.TEMPORARY).build()));
        assertEquals(new Reply.Ok(), result(sup.terminateChild("t")));
        assertEquals(List.of(), result(sup.whichChildren()));
    }

    @Test
    void startChildThatIgnores() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().build()));

        assertEquals(new Reply.Ignored(), result(sup.startChild(Worker.named("i", log).ignoreNextStarts(1).spec().build())));
        assertEquals(List.of(undefined("i")), result(sup.whichChildren()), "the spec is kept without a process");
        Pid i = assertInstanceOf(Reply.Started.class, result(sup.restartChild("i"))).pid();
        assertEquals(List.of(started("i", i)), result(sup.whichChildren()));

        assertEquals(new Reply.Ignored(), result(sup.startChild(Worker.named("t", log).ignoreNextStarts(1).spec()
                .restart(RestartType.TEMPORARY).build())));
        assertEquals(new Reply.NotFound(), result(sup.restartChild("t")), "an ignored temporary child is not kept");

        Worker again = Worker.named("again", log);
        result(sup.startChild(again.spec().build()));
        result(sup.terminateChild("again"));
        again.ignoreNextStarts(1);
        assertEquals(new Reply.Ignored(), result(sup.restartChild("again")), "restart_child answers {ok, undefined}");
        assertEquals(List.of(undefined("again"), started("i", i)), result(sup.whichChildren()));
        assertInstanceOf(Reply.Started.class, result(sup.restartChild("again")));
    }

    @Test
    void startChildThatFails() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().build()));

        Reply.Failed inInit = assertInstanceOf(Reply.Failed.class,
                result(sup.startChild(Worker.named("f", log).failNextStarts(1).spec().build())));
        assertEquals(ExitReason.error(new Worker.WorkerCrash("init of f")), inInit.reason());

        IllegalStateException cause = new IllegalStateException("no start function today");
        Reply.Failed inStart = assertInstanceOf(Reply.Failed.class, result(sup.startChild(ChildSpec.builder("g")
                .startWith(args -> {
                    throw cause;
                }).build())));
        assertEquals(ExitReason.error(cause), inStart.reason());

        Reply.Failed byExit = assertInstanceOf(Reply.Failed.class, result(sup.startChild(ChildSpec.builder("h")
                .start(proc -> Processes.exit(ExitReason.shutdown("not now"))).build())));
        assertEquals(ExitReason.shutdown("not now"), byExit.reason());

        assertEquals(List.of(), result(sup.whichChildren()), "a failed start keeps no spec");
        assertEquals(new Reply.NotFound(), result(sup.restartChild("f")));
    }

    @Test
    void specsTheSupervisorCannotTake() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().build()));
        Reply.BadChildSpec significant = assertInstanceOf(Reply.BadChildSpec.class, result(sup.startChild(
                Worker.named("s", log).spec().restart(RestartType.TRANSIENT).significant(true).build())));
        assertTrue(significant.problem().contains("bad_combination"), significant.problem());
        assertInstanceOf(Reply.BadChildSpec.class, result(sup.startChild(List.of("args"))));
        assertEquals(List.of(), log.events());
    }

    @Test
    void aChildWhoseRestartKeepsFailingAnswersRestarting() {
        EventLog log = new EventLog();
        AtomicBoolean failing = new AtomicBoolean();
        Worker worker = Worker.named("r", log);
        ChildSpec spec = ChildSpec.builder("r").startWith(args -> {
            if (failing.get()) {
                throw new IllegalStateException("cannot start now");
            }
            return worker.init();
        }).build();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().intensity(1_000_000).child(spec).build()));
        Pid r = awaitStarted(log, "r", 1);

        failing.set(true);
        r.<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        awaitChildren(sup.pid(), List.of(restarting("r")));
        assertEquals(new Reply.Restarting(), result(sup.restartChild("r")));
        assertEquals(new Reply.Restarting(), result(sup.deleteChild("r")));
        assertEquals(new ChildCounts(1, 0, 0, 1), result(sup.countChildren()));

        failing.set(false);
        Pid r2 = awaitStarted(log, "r", 2);
        awaitChildren(sup.pid(), List.of(started("r", r2)));
    }

    @Test
    void countChildren() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder()
                .child(Worker.named("a", log).spec().build())
                .child(ChildSpec.supervisor("sub", SupervisorSpec.builder().build()))
                .child(Worker.named("b", log).spec().build())
                .build()));
        awaitEvents(log, "start:a", "start:b");
        assertEquals(new ChildCounts(3, 3, 1, 2), result(sup.countChildren()));
        result(sup.terminateChild("b"));
        assertEquals(new ChildCounts(3, 2, 1, 2), result(sup.countChildren()));
        List<ChildInfo> children = result(sup.whichChildren());
        assertEquals(new ChildInfo(Optional.of("sub"), children.get(1).child(), ChildType.SUPERVISOR), children.get(1));
    }

    @Test
    void callsWaitWhileTheSupervisorIsRestarting() {
        EventLog log = new EventLog();
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ALL)
                .child(Worker.named("slow", log).ignoringShutdown().spec().shutdown(Shutdown.millis(1000)).build())
                .child(Worker.named("c", log).spec().build())
                .build()));
        awaitEvents(log, "start:slow", "start:c");

        log.pid("c").<Worker.Cmd>ref().tell(new Worker.Crash("boom"));
        awaitEvents(log, "start:slow", "start:c", "stop:c", "exit:slow:shutdown");
        CompletableFuture<List<ChildInfo>> children = sup.whichChildren().toCompletableFuture();
        assertFalse(children.isDone(), "the supervisor is inside the restart");

        runtime.advance(Duration.ofMillis(1000));

        List<ChildInfo> after = result(children);
        awaitEvents(log, "start:slow", "start:c", "stop:c", "exit:slow:shutdown", "stop:slow", "start:slow", "start:c");
        assertEquals(List.of(started("c", log.pid("c")), started("slow", log.pid("slow"))), after,
                "answered after the restart");
    }

    @Test
    void callsToASupervisorThatIsGoneFailWithNoproc() {
        SupervisorRef sup = sup(startSupervisor(SupervisorSpec.builder().build()));
        assertEquals(ExitReason.normal(), result(sup.stop()));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> sup.whichChildren().toCompletableFuture().get());
        assertInstanceOf(NoProcException.class, e.getCause());
        assertSame(sup.pid(), ((NoProcException) e.getCause()).pid());
    }
}
