package dev.lingon.xen.shm;

import dev.lingon.xen.api.EvtchnState;
import dev.lingon.xen.internal.DomainFile;
import dev.lingon.xen.layout.DomainFileLayout;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The child side of {@link CrossProcessWakeupTest}: another process that maps a domain's file, resolves
 * an interdomain port through the port-state mirror alone, and raises it {@code rounds} times, each
 * time once the domain has consumed the previous event (its pending bit is clear again), so that every
 * raise must wake the domain's blocked vCPU.
 *
 * <p>Arguments: the file, the port, the domid the port must be connected to, the rounds.
 */
public final class DomainFilePeer {
    private DomainFilePeer() {
    }

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int peer = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        try (DomainFile f = DomainFile.open(path)) {
            int word = f.portState(port);
            if (DomainFileLayout.stateOf(word) != EvtchnState.INTERDOMAIN.value() || DomainFileLayout.remoteDomidOf(word) != peer) {
                throw new IllegalStateException("port " + port + " of dom" + f.domid() + " is not connected to dom" + peer
                        + ": mirror word 0x" + Integer.toHexString(word));
            }
            int vcpu = f.notifyVcpu(port);
            for (int i = 1; i <= rounds; i++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (f.sharedInfo().isPending(port)) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IllegalStateException("round " + i + ": the domain did not consume the event within 20 s");
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                }
                f.events().raise(port, vcpu);
            }
        }
    }
}
