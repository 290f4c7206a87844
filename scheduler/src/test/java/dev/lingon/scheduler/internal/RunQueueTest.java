package dev.lingon.scheduler.internal;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** A vCPU's run queue: FIFO across the array and its overflow, and the steal question in constant time. */
class RunQueueTest {

    record Task(int n) implements Runnable {
        @Override
        public void run() {
        }
    }

    @Test
    void tasksComeOutInTheOrderTheyWentInAcrossTheOverflow() {
        RunQueue q = new RunQueue();
        int n = 20_000; // more than the array holds
        for (int i = 0; i < n; i++) {
            q.offer(new Task(i));
        }
        assertEquals(n, q.size());
        List<Integer> out = new ArrayList<>();
        for (Runnable t; (t = q.poll()) != null; ) {
            out.add(((Task) t).n());
        }
        assertEquals(n, out.size());
        for (int i = 0; i < n; i++) {
            assertEquals(i, out.get(i));
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void moreThanOneCountsTheArrayAndTheOverflowTogether() {
        RunQueue q = new RunQueue();
        assertFalse(q.hasMoreThanOne());
        q.offer(new Task(0));
        assertFalse(q.hasMoreThanOne(), "one waiting is its owner's next task, not something to steal");
        q.offer(new Task(1));
        assertTrue(q.hasMoreThanOne());

        int n = 20_000;
        for (int i = 2; i < n; i++) {
            q.offer(new Task(i));
        }
        assertTrue(q.hasMoreThanOne());
        // Empty the array: what is left is in the overflow alone.
        for (int i = 0; i < n - 2; i++) {
            assertEquals(i, ((Task) q.poll()).n());
        }
        assertTrue(q.hasMoreThanOne(), "two in the overflow");
        q.poll();
        assertFalse(q.hasMoreThanOne(), "one in the overflow");
        q.poll();
        assertFalse(q.hasMoreThanOne());
        assertTrue(q.isEmpty());
    }
}
