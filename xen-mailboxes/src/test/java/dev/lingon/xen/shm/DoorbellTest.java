package dev.lingon.xen.shm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.lingon.xen.shm.DoorbellPeer.INT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Futexes and doorbells in shared memory: waits, wakes, and no lost wake-up between two processes. */
class DoorbellTest {

    @TempDir
    Path dir;

    @Test
    void futexWaitReturnsAtOnceWhenTheWordAlreadyChanged() {
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        word.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 7);
        assertEquals(Futex.Outcome.VALUE_CHANGED, Futex.await(word, 6, -1));
    }

    @Test
    void futexWaitTimesOut() {
        MemorySegment word = Arena.ofAuto().allocate(4, 4);
        assertEquals(Futex.Outcome.TIMED_OUT, Futex.await(word, 0, 20_000_000L));
    }

    @Test
    void futexWakeWakesAWaiter() throws Exception {
        MemorySegment word = Arena.ofShared().allocate(4, 4);
        CompletableFuture<Futex.Outcome> waited = CompletableFuture.supplyAsync(() -> Futex.await(word, 0, 10_000_000_000L));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            INT.getAndAdd(word, 0L, 0); // keep the value; wake until the waiter is in the kernel and goes
            Futex.wake(word, 1);
            return waited.isDone();
        });
        assertEquals(Futex.Outcome.WOKEN, waited.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aMisalignedWordIsRefused() {
        MemorySegment seg = Arena.ofAuto().allocate(16, 8);
        assertThrows(IllegalArgumentException.class, () -> Futex.wake(seg.asSlice(1, 4), 1));
        assertThrows(IllegalArgumentException.class, () -> new Doorbell(seg, 2));
    }

    @Test
    void aDoorbellWithNoWaiterMakesNoCallAndAWaitSeesAConditionAlreadyTrue() {
        MemorySegment page = Arena.ofAuto().allocate(4096, 4096);
        Doorbell bell = new Doorbell(page, 0);
        bell.ring();
        assertEquals(0, bell.waiters());
        assertTrue(bell.await(() -> true, Long.MAX_VALUE));
        assertFalse(bell.await(() -> false, System.nanoTime() + 5_000_000L), "the deadline passes with the condition false");
        assertEquals(0, bell.waiters(), "a waiter that left is no longer counted");
    }

    @Test
    void noLostWakeUpBetweenTwoProcesses() throws Exception {
        int rounds = Integer.getInteger("lingon.stress.doorbellRounds", 5000);
        Path file = dir.resolve("bells");
        try (ShmFile f = ShmFile.create(file, DoorbellPeer.SIZE)) {
            MemorySegment m = f.segment();
            Doorbell a = new Doorbell(m, DoorbellPeer.BELL_A);
            Doorbell b = new Doorbell(m, DoorbellPeer.BELL_B);
            Process child = ChildJvm.start(DoorbellPeer.class, dir.resolve("child.log"), file.toString(), Integer.toString(rounds));
            try {
                for (int i = 1; i <= rounds; i++) {
                    INT.getAndAdd(m, DoorbellPeer.PING, 1);
                    a.ring();
                    int e = i;
                    assertTrue(b.await(() -> (int) INT.getVolatile(m, DoorbellPeer.PONG) >= e, System.nanoTime() + 20_000_000_000L),
                            () -> "no pong " + e + " within 20 s; child says: " + readLog());
                }
                assertTrue(child.waitFor(20, TimeUnit.SECONDS));
                assertEquals(0, child.exitValue(), this::readLog);
                assertEquals(rounds, (int) INT.getVolatile(m, DoorbellPeer.PONG));
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private String readLog() {
        try {
            return Files.readString(dir.resolve("child.log"));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
