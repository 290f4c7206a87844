package dev.lingon.kernel.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConsoleQueueTest {

    @Test
    void linesComeOutInOrder() throws InterruptedException {
        ConsoleQueue q = new ConsoleQueue(10);
        q.offer("a");
        q.offer("b");
        assertEquals(Optional.of("a"), q.take());
        assertEquals(List.of("b"), q.drain());
        assertEquals(List.of(), q.drain());
    }

    @Test
    void aFullQueueDropsAndTellsHowMany() throws InterruptedException {
        ConsoleQueue q = new ConsoleQueue(2);
        for (String s : List.of("1", "2", "3", "4", "5")) {
            q.offer(s);
        }
        assertEquals(Optional.of("[lingon: 3 console lines dropped: this client read more slowly than the domain wrote]"), q.take());
        assertEquals(Optional.of("1"), q.take());
        q.offer("6");
        q.offer("7");
        assertEquals(List.of("[lingon: 1 console line dropped: this client read more slowly than the domain wrote]", "2", "6"),
                q.drain());
    }

    @Test
    void closeEndsAWaitingTake() throws InterruptedException {
        ConsoleQueue q = new ConsoleQueue(2);
        Thread closer = Thread.ofVirtual().start(q::close);
        assertEquals(Optional.empty(), q.take());
        closer.join();
        q.offer("after");
        assertEquals(Optional.empty(), q.take());
    }
}
