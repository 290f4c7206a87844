package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.NotJava;
import dev.lingon.xen.serialization.Messages.Ping;
import dev.lingon.xen.serialization.Messages.Pong;
import dev.lingon.xen.serialization.Messages.Unregistered;
import dev.lingon.xen.serialization.Messages.UnregisteredSerializable;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.Logging;
import org.apache.pekko.serialization.DisabledJavaSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With {@code pekko.actor.allow-java-serialization = off}, messages bound to lingon-kryo travel, and
 * nothing ever falls back to Java serialization: not Pekko (its Java serializer is disabled) and not
 * Kryo (a {@code Serializable} class is still refused unless registered, and a registered one is
 * written without its Java serialization hooks). {@code serialize-messages = on} pushes every local
 * message through the serializer, as a remote send would.
 */
class JavaSerializationOffTest {
    static ActorTestKit kit;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        kit = TestSystems.local("JavaSerializationOffTest", """
                pekko.actor.serialize-messages = on
                # The refused send below is reported as an Error event, which the test subscribes to.
                pekko.loglevel = OFF
                """);
        serialization = SerializationExtension.get(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void javaSerializationIsOffInPekko() {
        assertFalse(kit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
        assertInstanceOf(DisabledJavaSerializer.class, serialization.findSerializerFor(new UnregisteredSerializable("x")));
        assertTrue(serialization.serialize(new UnregisteredSerializable("x")).isFailure());
    }

    @Test
    void boundMessagesGoThroughLingonKryo() {
        assertInstanceOf(KryoSerializer.class, serialization.findSerializerFor(new Pong("x")));
        byte[] bytes = serialization.serialize(new Pong("x")).get();
        assertEquals(new Pong("x"), serialization.deserialize(bytes, KryoSerializer.IDENTIFIER, "").get());
    }

    @Test
    void aSerializableClassIsWrittenWithoutItsJavaSerializationHooks() {
        NotJava message = new NotJava("payload");
        byte[] bytes = serialization.serialize(message).get();
        assertEquals(message, serialization.deserialize(bytes, KryoSerializer.IDENTIFIER, "").get());
    }

    @Test
    void anUnregisteredSerializableClassIsRefusedNotJavaSerialized() {
        KryoSerializer kryo = KryoSerializer.get(kit.system());
        UnregisteredClassException e = assertThrows(UnregisteredClassException.class,
                () -> kryo.toBinary(new Holder(new UnregisteredSerializable("x"))));
        assertEquals(UnregisteredSerializable.class.getName(), e.unregisteredClass());
    }

    @Test
    void localMessagesRoundTripThroughTheSerializerWhenSerializeMessagesIsOn() {
        ActorRef<Ping> echo = kit.spawn(Behaviors.receiveMessage(ping -> {
            ping.replyTo().tell(new Pong("echo:" + ping.text()));
            return Behaviors.same();
        }));
        TestProbe<Pong> probe = kit.createTestProbe();
        echo.tell(new Ping("local", probe.ref()));
        probe.expectMessage(new Pong("echo:local"));

        TestProbe<Holder> holders = kit.createTestProbe();
        TestProbe<Logging.Error> errors = kit.createTestProbe();
        Adapter.toClassic(kit.system()).getEventStream().subscribe(Adapter.toClassic(errors.ref()), Logging.Error.class);
        holders.ref().tell(new Holder(new Unregistered("x")));
        Logging.Error refused = errors.expectMessageClass(Logging.Error.class);
        boolean ours = false;
        for (Throwable t = refused.cause(); t != null; t = t.getCause()) {
            ours |= t instanceof UnregisteredClassException;
        }
        assertTrue(ours, "the send was checked by lingon-kryo: " + refused.cause());
        holders.expectNoMessage(java.time.Duration.ofMillis(50));
    }
}
