package dev.lingon.xen.mailbox;

import dev.lingon.xen.api.EventBinder;
import dev.lingon.xen.api.EventPending;
import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A minimal kernel for these tests (the real one lives in the scheduler module, which depends on this
 * one): a thread that sleeps in SCHEDOP_block on vCPU 0 and, when woken, scans the pending ports and
 * tells the bound actors {@link EventPending}. Every port is masked until bound, as the kernel does.
 */
final class BlockingEventBinder implements EventBinder, AutoCloseable {
    private final XenDomain domain;
    private final AtomicReferenceArray<ActorRef<EventPending>> bound = new AtomicReferenceArray<>(4096);
    private final Thread thread;
    private volatile boolean closed;

    BlockingEventBinder(XenDomain domain) {
        this.domain = domain;
        for (int p = 1; p < 4096; p++) {
            domain.evtchn().mask(p);
        }
        thread = Thread.ofPlatform().daemon().name("test-kernel-dom" + domain.domid()).start(this::run);
    }

    private void run() {
        while (!closed) {
            domain.evtchn().drainPending(0, port -> {
                ActorRef<EventPending> ref = bound.get(port);
                if (ref != null) {
                    ref.tell(new EventPending(port));
                }
            });
            Wake w = domain.sched().block(0, Sched.NO_DEADLINE);
            if (w == Wake.SHUTDOWN || w == Wake.INTERRUPTED) {
                return;
            }
        }
    }

    @Override
    public void bind(int port, ActorRef<EventPending> actor) {
        bound.set(port, actor);
        domain.evtchn().bindVcpu(port, 0);
        domain.evtchn().unmask(port);
    }

    @Override
    public void unbind(int port) {
        domain.evtchn().mask(port);
        bound.set(port, null);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
