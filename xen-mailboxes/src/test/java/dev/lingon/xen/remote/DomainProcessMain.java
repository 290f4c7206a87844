package dev.lingon.xen.remote;

import dev.lingon.xen.api.Sched;
import dev.lingon.xen.api.Wake;

/**
 * A domain's process in miniature, for {@link DomainProcessTest}: connects to dom0 with the launch
 * ticket in its environment, offers dom0 an event channel (its port in XenStore {@code data/port}) and
 * the peer domain named by its argument another ({@code data/peer-port}), then blocks on vCPU 0 and
 * counts each wake-up by an event in {@code data/woken}, until the domain stops or the process is killed.
 */
public final class DomainProcessMain {
    private DomainProcessMain() {
    }

    public static void main(String[] args) {
        try (RemoteXenDomain d = RemoteXenDomain.fromEnvironment()) {
            int port = d.evtchn().allocUnbound(0).orThrow();
            d.store().write("data/port", Integer.toString(port)).orThrow();
            int peerPort = d.evtchn().allocUnbound(Integer.parseInt(args[0])).orThrow();
            d.store().write("data/peer-port", Integer.toString(peerPort)).orThrow();
            int wakes = 0;
            while (true) {
                Wake w = d.sched().block(0, Sched.NO_DEADLINE);
                if (w == Wake.SHUTDOWN) {
                    return;
                }
                if (w == Wake.EVENT) {
                    d.evtchn().drainPending(0, p -> { });
                    wakes++;
                    d.store().write("data/woken", Integer.toString(wakes)).orThrow();
                }
            }
        }
    }
}
