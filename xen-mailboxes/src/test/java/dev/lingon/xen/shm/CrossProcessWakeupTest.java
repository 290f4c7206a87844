package dev.lingon.xen.shm;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.Hypervisors;
import dev.lingon.xen.api.Wake;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.internal.InProcessHypervisor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A process that is not the hypervisor's wakes a domain's blocked vCPU: it maps the domain's file,
 * finds the port's peer and notify vCPU in the port-state mirror, sets the pending bit and rings the
 * doorbell — no call to dom0. Each round waits for the previous event to be consumed, so each raise
 * must wake a vCPU asleep (or falling asleep) in SCHEDOP_block: a lost wake-up times out.
 */
class CrossProcessWakeupTest {
    static final int ROUNDS = Integer.getInteger("lingon.stress.crossProcessWakeups", 2000);

    @TempDir
    Path dir;

    @Test
    void anotherProcessRaisingAnEventWakesAVcpuBlockedInSchedopBlock() throws Exception {
        try (ShmDirectory run = ShmDirectory.create(dir.resolve("run"))) {
            Hypervisor hv = Hypervisors.sharedMemory(run);
            try {
                XenDomain a = hv.domain(hv.createDomain(DomainConfig.named("sender")).orThrow()).orElseThrow();
                XenDomain b = hv.domain(hv.createDomain(DomainConfig.named("sleeper").withVcpus(2)).orThrow()).orElseThrow();
                int ap = a.evtchn().allocUnbound(b.domid()).orThrow();
                int bp = b.evtchn().bindInterdomain(a.domid(), ap).orThrow();
                b.evtchn().drainPending(0, port -> { }); // the bind left bp pending, on vCPU 0
                assertTrue(b.evtchn().bindVcpu(bp, 1).isOk(), "the child must find the notify vCPU in the mirror");
                Path file = ((InProcessHypervisor) hv).domainFile(b.handle()).orElseThrow();

                Process child = ChildJvm.start(DomainFilePeer.class, dir.resolve("child.log"),
                        file.toString(), Integer.toString(bp), Integer.toString(a.domid()), Integer.toString(ROUNDS));
                try {
                    int[] delivered = {0};
                    long end = hv.clock().nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        b.evtchn().drainPending(1, port -> {
                            assertEquals(bp, port);
                            delivered[0]++;
                        });
                        if (delivered[0] >= ROUNDS) {
                            break;
                        }
                        Wake w = b.sched().block(1, end);
                        assertEquals(Wake.EVENT, w, () -> "woke with " + w + " after " + delivered[0] + " of " + ROUNDS
                                + " events: a lost wake-up; child says: " + readLog());
                    }
                    assertEquals(ROUNDS, delivered[0], "each raise came once the previous was consumed, so none merged");
                    assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                    assertEquals(0, child.exitValue(), this::readLog);
                } finally {
                    child.destroyForcibly();
                }
            } finally {
                hv.close();
            }
        }
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
