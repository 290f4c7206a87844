package dev.lingon.bench;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Event send → blocked consumer woken, measured as a round trip: the benchmark thread (domain A)
 * sends on an event channel and sleeps in SCHEDOP_poll; an echo thread (domain B), asleep in
 * SCHEDOP_poll, wakes, clears the port and sends back. One round trip is two sends and two wake-ups,
 * so one-way latency is half the figure. Beside it, the same ping-pong with {@link LockSupport}
 * park/unpark (the floor for waking a parked JVM thread) and with a {@link SynchronousQueue}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar EventWakeup</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkryo.unsafe=false"})
@State(Scope.Benchmark)
public class EventWakeupLatencyBenchmark {
    Hypervisor hv;
    XenDomain a;
    XenDomain b;
    int ap;
    int aBack;
    int[] aPorts;
    Thread echo;
    volatile boolean running = true;

    Thread parkEcho;
    volatile Thread parkCaller;
    volatile int parkPing;
    volatile int parkPong;

    final SynchronousQueue<Integer> toEcho = new SynchronousQueue<>();
    final SynchronousQueue<Integer> fromEcho = new SynchronousQueue<>();
    Thread queueEcho;

    @Setup(Level.Trial)
    public void setup() {
        hv = Hypervisors.inProcess();
        a = hv.domain(hv.createDomain(DomainConfig.named("caller")).orThrow()).orElseThrow();
        b = hv.domain(hv.createDomain(DomainConfig.named("echo")).orThrow()).orElseThrow();
        ap = a.evtchn().allocUnbound(b.domid()).orThrow();
        int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
        int bBack = b.evtchn().allocUnbound(a.domid()).orThrow();
        aBack = a.evtchn().bindInterdomain(b.domid(), bBack).orThrow();
        a.evtchn().mask(aBack);
        b.evtchn().mask(bp);
        a.evtchn().testAndClearPending(aBack);
        b.evtchn().testAndClearPending(bp);
        aPorts = new int[] {aBack};
        int[] bPorts = {bp};
        echo = Thread.ofPlatform().name("evtchn-echo").daemon().start(() -> {
            while (running) {
                if (b.sched().poll(0, bPorts, Sched.NO_DEADLINE) != Wake.EVENT) {
                    return;
                }
                b.evtchn().testAndClearPending(bp);
                b.evtchn().send(bBack);
            }
        });

        parkEcho = Thread.ofPlatform().name("park-echo").daemon().start(() -> {
            int seen = 0;
            while (running) {
                while (parkPing == seen) {
                    LockSupport.park(this);
                    if (!running) {
                        return;
                    }
                }
                seen = parkPing;
                parkPong = seen;
                LockSupport.unpark(parkCaller);
            }
        });

        queueEcho = Thread.ofPlatform().name("queue-echo").daemon().start(() -> {
            try {
                while (running) {
                    fromEcho.put(toEcho.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @TearDown(Level.Trial)
    public void teardown() throws InterruptedException {
        running = false;
        hv.close();
        LockSupport.unpark(parkEcho);
        queueEcho.interrupt();
        echo.join(5000);
        parkEcho.join(5000);
        queueEcho.join(5000);
    }

    @Benchmark
    public int evtchnRoundTrip() {
        a.evtchn().send(ap);
        a.sched().poll(0, aPorts, Sched.NO_DEADLINE);
        a.evtchn().testAndClearPending(aBack);
        return aBack;
    }

    @Benchmark
    public int parkUnparkRoundTrip() {
        parkCaller = Thread.currentThread();
        int next = parkPing + 1;
        parkPing = next;
        LockSupport.unpark(parkEcho);
        while (parkPong != next) {
            LockSupport.park(this);
        }
        return next;
    }

    @Benchmark
    public Integer synchronousQueueRoundTrip() throws InterruptedException {
        toEcho.put(1);
        return fromEcho.take();
    }
}
