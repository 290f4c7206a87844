package dev.lingon.kernel.dom0.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** The per-domain log on its own: bound, eviction count, replay then follow, failing and late subscribers. */
class ConsoleLogTest {

    @Test
    void keepsTheLastLinesAndCountsTheEvicted() {
        ConsoleLog log = new ConsoleLog(7, 3);
        for (String s : List.of("a", "b", "c", "d", "e")) {
            log.append(s);
        }
        assertEquals(List.of("c", "d", "e"), log.lines());
        assertEquals(5, log.appended());
        assertEquals(2, log.evicted());
    }

    @Test
    void aFollowerGetsTheReplayThenEachNewLine() {
        ConsoleLog log = new ConsoleLog(7, 10);
        log.append("a");
        List<String> got = new ArrayList<>();
        ConsoleLog.Subscription sub = log.subscribe(true, got::add);
        log.append("b");
        assertFalse(sub.isClosed());
        sub.close();
        log.append("c");
        assertEquals(List.of("a", "b"), got);
    }

    @Test
    void aConsumerThatThrowsIsUnsubscribed() {
        ConsoleLog log = new ConsoleLog(7, 10);
        List<String> others = new ArrayList<>();
        ConsoleLog.Subscription bad = log.subscribe(true, line -> {
            throw new IllegalStateException("consumer bug");
        });
        log.subscribe(true, others::add);
        log.append("a");
        log.append("b");
        assertTrue(bad.isClosed());
        assertEquals(List.of("a", "b"), others, "other subscribers are not disturbed");
    }

    @Test
    void anEndedLogReplaysButDoesNotFollow() {
        ConsoleLog log = new ConsoleLog(7, 10);
        log.append("a");
        log.end();
        log.append("after the end");
        List<String> got = new ArrayList<>();
        ConsoleLog.Subscription sub = log.subscribe(true, got::add);
        assertEquals(List.of("a"), got);
        assertTrue(sub.isClosed());
        assertTrue(log.isEnded());
    }
}
