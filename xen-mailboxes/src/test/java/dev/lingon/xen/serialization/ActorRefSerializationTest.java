package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.ClassicRefHolder;
import dev.lingon.xen.serialization.Messages.Ping;
import dev.lingon.xen.serialization.Messages.Pong;
import dev.lingon.xen.serialization.Messages.RefHolder;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Actor references inside messages: written by one ActorSystem, resolved by another to the same
 * actor, usable with tell and ask. The two systems talk Artery TCP on loopback, so replies really
 * cross between them (and Artery itself carries the messages with lingon-kryo).
 */
class ActorRefSerializationTest {
    static final Duration REMOTE = Duration.ofSeconds(10);

    static ActorTestKit a;
    static ActorTestKit b;
    static KryoSerializer kryoA;
    static KryoSerializer kryoB;
    static ActorRef<Ping> echoInA;

    static Behavior<Ping> echo() {
        return Behaviors.receiveMessage(ping -> {
            ping.replyTo().tell(new Pong("echo:" + ping.text()));
            return Behaviors.same();
        });
    }

    @BeforeAll
    static void start() {
        a = TestSystems.remote("DomainA", "");
        b = TestSystems.remote("DomainB", "");
        kryoA = TestSystems.serializer(a);
        kryoB = TestSystems.serializer(b);
        echoInA = a.spawn(echo(), "echo");
    }

    @AfterAll
    static void stop() {
        b.system().terminate();
        a.system().terminate();
        b.shutdownTestKit();
        a.shutdownTestKit();
    }

    @Test
    void aTypedRefInsideARecordResolvesInTheOtherSystemToTheSameActor() {
        TestProbe<Pong> probe = b.createTestProbe();
        Ping written = new Ping("hi", probe.ref());

        Ping read = (Ping) kryoA.fromBinary(kryoB.toBinary(written));

        assertEquals("hi", read.text());
        assertEquals(probe.ref().path().toStringWithoutAddress(), read.replyTo().path().toStringWithoutAddress());
        assertEquals(b.system().address(), read.replyTo().path().address(), "the path carries B's address");
        echoInA.tell(read);
        probe.expectMessage(REMOTE, new Pong("echo:hi"));
    }

    @Test
    void aRefThatTravelsThereAndBackIsTheOriginalActor() {
        TestProbe<Pong> probe = a.createTestProbe();
        RefHolder home = new RefHolder(probe.ref(), List.of(probe.ref(), echoRefAsPong()), Optional.of(probe.ref()));

        RefHolder abroad = (RefHolder) kryoB.fromBinary(kryoA.toBinary(home));
        RefHolder back = (RefHolder) kryoA.fromBinary(kryoB.toBinary(abroad));

        assertEquals(home, back, "refs in fields, lists and optionals resolve to the original actors");
        back.ref().tell(new Pong("local again"));
        probe.expectMessage(new Pong("local again"));
    }

    @Test
    void tellAndAskAcrossArteryUseLingonKryo() throws Exception {
        assertEquals(KryoSerializer.IDENTIFIER,
                SerializationExtension.get(b.system()).findSerializerFor(new Ping("x", null)).identifier());
        String path = ActorRefResolver.get(a.system()).toSerializationFormat(echoInA);
        ActorRef<Ping> remoteEcho = ActorRefResolver.get(b.system()).resolveActorRef(path);
        TestProbe<Pong> probe = b.createTestProbe();

        remoteEcho.tell(new Ping("over artery", probe.ref()));
        probe.expectMessage(REMOTE, new Pong("echo:over artery"));

        Pong answer = AskPattern.<Ping, Pong>ask(remoteEcho, replyTo -> new Ping("asked", replyTo), REMOTE, b.system().scheduler())
                .toCompletableFuture().get(REMOTE.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new Pong("echo:asked"), answer);
    }

    @Test
    void aClassicRefResolvesInTheOtherSystemToo() {
        TestProbe<Pong> probe = b.createTestProbe();
        ClassicRefHolder written = new ClassicRefHolder(Adapter.toClassic(probe.ref()));

        ClassicRefHolder read = (ClassicRefHolder) kryoA.fromBinary(kryoB.toBinary(written));

        assertEquals(written.ref().path().toStringWithoutAddress(), read.ref().path().toStringWithoutAddress());
        assertEquals(b.system().address(), read.ref().path().address());
        read.ref().tell(new Pong("classic"), org.apache.pekko.actor.ActorRef.noSender());
        probe.expectMessage(REMOTE, new Pong("classic"));
    }

    @Test
    void aSystemRefusesToWriteAnotherSystemsLocalRefNamingTheField() {
        TestProbe<Pong> probeInB = b.createTestProbe();
        KryoSerializationException e = assertThrows(KryoSerializationException.class,
                () -> kryoA.toBinary(new Ping("wrong system", probeInB.ref())));
        assertTrue(e.getMessage().contains(Ping.class.getName()) && e.getMessage().contains("replyTo"), e.getMessage());
        assertTrue(e.getMessage().contains("originates from another ActorSystem"), e.getMessage());
    }

    @Test
    void aReferenceReadAgainIsTheSameRefNotResolvedAgain() {
        TestProbe<Pong> probe = b.createTestProbe();
        byte[] bytes = kryoB.toBinary(new Ping("twice", probe.ref()));

        ActorRef<Pong> first = ((Ping) kryoA.fromBinary(bytes)).replyTo();
        ActorRef<Pong> second = ((Ping) kryoA.fromBinary(bytes)).replyTo();

        assertSame(first, second, "a stream of requests naming one replyTo resolves its path once");
        echoInA.tell(new Ping("cached", second));
        probe.expectMessage(REMOTE, new Pong("echo:cached"));
    }

    @Test
    void aCachedReferenceWhoseActorStoppedIsResolvedAfresh() {
        ActorRef<Pong> shortLived = a.spawn(Behaviors.<Pong>ignore(), "short-lived");
        byte[] typed = kryoA.toBinary(new Ping("local", shortLived));
        byte[] classic = kryoA.toBinary(new ClassicRefHolder(Adapter.toClassic(shortLived)));
        ActorRef<Pong> live = ((Ping) kryoA.fromBinary(typed)).replyTo();
        org.apache.pekko.actor.ActorRef liveClassic = ((ClassicRefHolder) kryoA.fromBinary(classic)).ref();
        assertSame(live, ((Ping) kryoA.fromBinary(typed)).replyTo());
        assertSame(liveClassic, ((ClassicRefHolder) kryoA.fromBinary(classic)).ref());

        a.stop(shortLived);

        ActorRef<Pong> afterStop = ((Ping) kryoA.fromBinary(typed)).replyTo();
        org.apache.pekko.actor.ActorRef classicAfterStop = ((ClassicRefHolder) kryoA.fromBinary(classic)).ref();
        assertNotSame(live, afterStop, "the stopped actor's cached reference is not handed out again");
        assertTrue(Adapter.toClassic(afterStop).isTerminated(), "resolved afresh, the path names no live actor");
        // Pekko may resolve a classic path to the very ref it had, now terminated: only its state says more.
        assertTrue(classicAfterStop.isTerminated());
        assertNotSame(afterStop, ((Ping) kryoA.fromBinary(typed)).replyTo(), "a terminated reference is not cached");
    }

    @Test
    void aRefusedReferenceIsRefusedEveryTime() {
        TestProbe<Pong> probeInB = b.createTestProbe();
        for (int i = 0; i < 2; i++) {
            assertThrows(KryoSerializationException.class, () -> kryoA.toBinary(new Ping("wrong system", probeInB.ref())));
        }
    }

    @Test
    void theReferenceCachesStayBoundedUnderManyOneOffReferences() {
        int many = ActorRefSerializers.CACHE_LIMIT + 100;
        for (int i = 0; i < many; i++) {
            TestProbe<Pong> probe = a.createTestProbe();
            Ping read = (Ping) kryoA.fromBinary(kryoA.toBinary(new Ping("one-off " + i, probe.ref())));
            assertEquals(probe.ref(), read.replyTo());
            probe.stop();
        }
        int cached = kryoA.referencesCachedForTest();
        assertTrue(cached <= 3 * ActorRefSerializers.CACHE_LIMIT, "cached " + cached);
        assertTrue(cached > 0, "the caches are in use");
    }

    @SuppressWarnings("unchecked")
    static ActorRef<Pong> echoRefAsPong() {
        return (ActorRef<Pong>) (ActorRef<?>) echoInA;
    }
}
