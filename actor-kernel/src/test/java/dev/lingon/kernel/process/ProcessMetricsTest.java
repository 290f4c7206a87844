package dev.lingon.kernel.process;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProcessMetricsTest {

    @Test
    void publishedFiguresReadBack() {
        ProcessMetrics m = new ProcessMetrics(2, 123_456_789_012L, 42, 7, 3, 5);
        assertEquals(Optional.of(m), ProcessMetrics.parse(m.text()));
    }

    @Test
    void whateverElseAGuestWroteThereIsIgnored() {
        assertEquals(Optional.empty(), ProcessMetrics.parse(""));
        assertEquals(Optional.empty(), ProcessMetrics.parse("1 2 3"));
        assertEquals(Optional.empty(), ProcessMetrics.parse("1 2 3 4 5 x"));
        assertEquals(Optional.empty(), ProcessMetrics.parse("1 2 3 4 5 6 7"));
    }
}
