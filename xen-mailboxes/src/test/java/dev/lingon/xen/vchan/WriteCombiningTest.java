package dev.lingon.xen.vchan;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A thread that runs slices combines ring writes; any other thread publishes at once. */
class WriteCombiningTest {

    static final class SliceThread extends Thread implements WriteCombining.Carrier {
        final WriteCombining scope = WriteCombining.forCarrier();

        SliceThread(Runnable r) {
            super(r);
        }

        @Override
        public WriteCombining writeCombining() {
            return scope;
        }
    }

    @Test
    void onlyACarrierThreadHasAScope() throws InterruptedException {
        assertNull(WriteCombining.current(), "a plain thread must publish at once");
        AtomicReference<WriteCombining> seen = new AtomicReference<>();
        SliceThread t = new SliceThread(() -> seen.set(WriteCombining.current()));
        t.start();
        t.join();
        assertSame(t.scope, seen.get());
    }

    @Test
    void aWriterHeldTwiceInASliceIsPublishedOnceAndTheScopeIsEmptyAfterwards() {
        WriteCombining scope = WriteCombining.forCarrier();
        List<String> published = new ArrayList<>();
        WriteCombining.Held a = () -> published.add("a");
        WriteCombining.Held b = () -> published.add("b");
        scope.hold(a);
        scope.hold(b);
        scope.hold(a);
        assertEquals(2, scope.holding());
        scope.publishAll();
        assertEquals(List.of("a", "b"), published);
        assertEquals(0, scope.holding());
        scope.publishAll();
        assertEquals(List.of("a", "b"), published, "nothing is published twice");
    }

    @Test
    void aWriterThatFailsToPublishDoesNotKeepTheOthersBack() {
        WriteCombining scope = WriteCombining.forCarrier();
        List<String> published = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            scope.hold(() -> {
                if (n == 2) {
                    throw new IllegalStateException("ring gone");
                }
                published.add("w" + n);
            });
        }
        scope.publishAll();
        assertEquals(List.of("w0", "w1", "w3", "w4", "w5"), published);
        assertEquals(0, scope.holding());
    }
}
