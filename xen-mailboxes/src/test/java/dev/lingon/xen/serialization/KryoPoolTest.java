package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.vchan.WriteCombining;

import com.esotericsoftware.kryo.Kryo;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The pool of Kryo contexts: shared slots for any thread, and one context a vCPU thread (a
 * write-combining carrier) keeps for itself, so the mailbox hot path takes it without a
 * compare-and-set.
 */
class KryoPoolTest {

    final AtomicInteger built = new AtomicInteger();
    final KryoPool pool = new KryoPool(4, () -> {
        built.incrementAndGet();
        return new KryoContext(new Kryo(), 64, 1024);
    });

    /** A thread that carries a write-combining scope, as the kernel's vCPU threads do. */
    static final class CarrierThread extends Thread implements WriteCombining.Carrier {
        private final WriteCombining scope = WriteCombining.forCarrier();

        CarrierThread(Runnable body) {
            super(body, "test-carrier");
        }

        @Override
        public WriteCombining writeCombining() {
            return scope;
        }
    }

    static void onCarrier(Consumer<WriteCombining> body) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CarrierThread t = new CarrierThread(() -> {
            try {
                body.accept(WriteCombining.current());
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        t.start();
        done.get(30, TimeUnit.SECONDS);
        t.join();
    }

    @Test
    void aCarrierThreadKeepsOneContextAndNeverReturnsItToTheSharedSlots() throws Exception {
        pool.release(new KryoContext(new Kryo(), 64, 1024));
        assertEquals(1, pool.idle());
        onCarrier(scope -> {
            KryoContext first = pool.acquire();
            assertEquals(0, pool.idle(), "the first context came from the shared slots");
            pool.release(first);
            assertEquals(0, pool.idle(), "and stays with the carrier");
            for (int i = 0; i < 100; i++) {
                KryoContext again = pool.acquire();
                assertSame(first, again, "the carrier's own context, every time");
                pool.release(again);
            }
            assertSame(first, scope.local(pool));
        });
        assertEquals(0, built.get(), "nothing new was built");
    }

    @Test
    void aNestedAcquireOnACarrierGetsAnotherContext() throws Exception {
        onCarrier(scope -> {
            KryoContext outer = pool.acquire();
            KryoContext inner = pool.acquire();
            assertNotSame(outer, inner, "a serializer nested in another serialization must not share its Kryo");
            pool.release(inner);
            assertEquals(1, pool.idle(), "the nested one goes back to the shared slots");
            pool.release(outer);
            assertEquals(1, pool.idle());
            assertSame(outer, pool.acquire(), "the carrier still keeps the outer one");
        });
    }

    @Test
    void aCarrierWhoseSlotIsTakenUsesTheSharedSlots() throws Exception {
        onCarrier(scope -> {
            Object token = scope.keepLocal("someone else", "theirs");
            assertNotNull(token);
            KryoContext c = pool.acquire();
            pool.release(c);
            assertEquals(1, pool.idle(), "given back to the shared slots");
            assertSame(c, pool.acquire());
            assertEquals("theirs", scope.local("someone else"), "the other owner's object is untouched");
            assertNull(scope.local(pool));
            assertNotNull(token); // the other owner still holds its token
        });
    }

    @Test
    void aCarrierKeepsNothingAliveOnceItsOwnerLetsGo() throws Exception {
        onCarrier(scope -> {
            Object owner = new Object();
            java.lang.ref.WeakReference<Object> value = new java.lang.ref.WeakReference<>(keep(scope, owner));
            // The owner drops its token (as a pool does when its actor system is gone): the carrier lets go too.
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return value.get() == null;
            });
            assertNull(scope.local(owner));
            Object token = scope.keepLocal(pool, "next");
            assertNotNull(token, "the slot is free for the next owner");
            assertEquals("next", scope.local(pool));
        });
    }

    /** Keeps a fresh object for {@code owner} and drops the token at once. */
    private static Object keep(WriteCombining scope, Object owner) {
        Object value = new Object();
        assertNotNull(scope.keepLocal(owner, value));
        assertSame(value, scope.local(owner));
        return value;
    }

    @Test
    void anyOtherThreadTakesAndGivesBackThroughTheSharedSlots() {
        assertNull(WriteCombining.current());
        KryoContext c = pool.acquire();
        assertEquals(1, built.get());
        pool.release(c);
        assertEquals(1, pool.idle());
        assertSame(c, pool.acquire());
        assertEquals(1, built.get());
    }
}
