package dev.lingon.supervision.testkit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.lingon.supervision.api.ChildInfo;
import dev.lingon.supervision.api.ChildType;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Offender;
import dev.lingon.supervision.api.Processes;
import dev.lingon.supervision.api.RestartType;
import dev.lingon.supervision.api.Shutdown;
import dev.lingon.supervision.api.SupervisorReport;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Reply;
import dev.lingon.supervision.api.StartResult;
import dev.lingon.supervision.api.Supervisor;
import dev.lingon.supervision.api.SupervisorRef;
import dev.lingon.supervision.api.SupervisorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One {@link TestRuntime} per test class, and the helpers the supervisor tests share. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SupervisionTestBase {

    protected TestRuntime runtime;

    @BeforeAll
    void startRuntime() {
        runtime = new TestRuntime(getClass().getSimpleName());
    }

    @AfterAll
    void stopRuntime() {
        runtime.close();
    }

    /** Waits for a future (bounded, so a bug fails the test instead of hanging it). */
    public static <T> T result(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            throw new AssertionError("the future failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
    }

    /** Starts a top-level supervisor and answers its start result. */
    protected StartResult startResult(SupervisorSpec spec) {
        return result(Supervisor.start(runtime.system(), runtime.name("sup"), spec));
    }

    /** Starts a top-level supervisor that must start. */
    protected Pid startSupervisor(SupervisorSpec spec) {
        return assertInstanceOf(Reply.Started.class, startResult(spec)).pid();
    }

    protected SupervisorRef sup(Pid pid) {
        return Supervisor.ref(runtime.system(), pid);
    }

    /** Waits until the log holds exactly these events. */
    protected static void awaitEvents(EventLog log, String... expected) {
        List<String> want = List.of(expected);
        await().untilAsserted(() -> assertEquals(want, log.events()));
    }

    /**
     * The reports the probe got so far (progress reports left out unless asked for). A marker published
     * now comes after every report already published, since the event stream keeps arrival order.
     */
    protected List<SupervisorReport> reportsSoFar(TestProbe<SupervisorReport> probe, boolean withProgress) {
        Pid marker = Processes.external();
        SupervisorReport mark = new SupervisorReport.ChildStarted(marker,
                new Offender("marker", List.of(), RestartType.TEMPORARY, false, Shutdown.brutalKill(), ChildType.WORKER));
        runtime.system().eventStream().tell(new EventStream.Publish<>(mark));
        List<SupervisorReport> got = new ArrayList<>();
        while (true) {
            SupervisorReport r = probe.receiveMessage();
            if (r.equals(mark)) {
                return got;
            }
            if (withProgress || !(r instanceof SupervisorReport.ChildStarted)) {
                got.add(r);
            }
        }
    }

    protected List<SupervisorReport> reportsSoFar(TestProbe<SupervisorReport> probe) {
        return reportsSoFar(probe, false);
    }

    /** Waits until which_children answers exactly {@code expected}. */
    protected void awaitChildren(Pid supervisor, List<ChildInfo> expected) {
        await().untilAsserted(() -> assertEquals(expected, result(sup(supervisor).whichChildren())));
    }

    protected static ChildInfo started(String id, Pid pid) {
        return new ChildInfo(Optional.of(id), new ChildInfo.Started(pid), ChildType.WORKER);
    }

    /** A child of a simple_one_for_one supervisor (no id). */
    protected static ChildInfo dynamicChild(Pid pid) {
        return new ChildInfo(Optional.empty(), new ChildInfo.Started(pid), ChildType.WORKER);
    }

    protected static ChildInfo undefined(String id) {
        return new ChildInfo(Optional.of(id), new ChildInfo.Undefined(), ChildType.WORKER);
    }

    protected static ChildInfo restarting(String id) {
        return new ChildInfo(Optional.of(id), new ChildInfo.Restarting(), ChildType.WORKER);
    }

    /** Waits until the process has exited and answers its reason. */
    protected static ExitReason awaitExit(Pid pid) {
        await().until(() -> pid.exitReason().isPresent());
        return pid.exitReason().orElseThrow();
    }

    /** Waits until worker {@code name} has started {@code times} times and answers its latest pid. */
    protected static Pid awaitStarted(EventLog log, String name, int times) {
        await().until(() -> log.count("start:" + name) >= times);
        assertEquals(times, log.count("start:" + name), "starts of " + name);
        return log.pid(name);
    }
}
