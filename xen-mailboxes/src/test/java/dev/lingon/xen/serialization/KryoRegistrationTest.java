package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import dev.lingon.xen.serialization.Messages.Holder;
import dev.lingon.xen.serialization.Messages.Pong;
import dev.lingon.xen.serialization.Messages.Square;
import dev.lingon.xen.serialization.Messages.Unregistered;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Registration by configuration and by registrar, the id scheme, and the errors that say how to register. */
class KryoRegistrationTest {
    static ActorTestKit kit;
    static KryoSerializer kryo;

    /** Registers {@link Parcel} under an explicit id with a serializer of its own. */
    public static final class ParcelRegistrar implements KryoRegistrar {
        @Override
        public void registerClasses(KryoRegistry registry) {
            registry.register(Parcel.class, 4242, UpperCaseParcel::new);
        }
    }

    /** Writes the label upper-cased, so a round trip shows which serializer ran. */
    static final class UpperCaseParcel extends Serializer<Parcel> {
        @Override
        public void write(Kryo kryo, Output output, Parcel parcel) {
            output.writeString(parcel.label().toUpperCase(java.util.Locale.ROOT));
            output.writeVarInt(parcel.weight(), true);
        }

        @Override
        public Parcel read(Kryo kryo, Input input, Class<? extends Parcel> type) {
            return new Parcel(input.readString(), input.readVarInt(true));
        }
    }

    sealed interface Unlisted permits UnlistedA {
    }

    record UnlistedA(int a) implements Unlisted {
    }

    @BeforeAll
    static void start() {
        kit = TestSystems.local("KryoRegistrationTest", """
                lingon.serialization.kryo.ids { "dev.lingon.xen.serialization.Messages$Square" = 300 }
                lingon.serialization.kryo.registrars = ["dev.lingon.xen.serialization.KryoRegistrationTest$ParcelRegistrar"]
                """);
        kryo = TestSystems.serializer(kit);
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void builtInIdsAreFixed() {
        Map<Object, Integer> expected = new java.util.LinkedHashMap<>();
        expected.put(int.class, 0);
        expected.put(Integer.class, 0);
        expected.put(String.class, 1);
        expected.put(Boolean.class, 3);
        expected.put(Long.class, 7);
        expected.put(double.class, 8);
        expected.put(byte[].class, 10);
        expected.put(String[].class, 18);
        expected.put(UUID.class, 22);
        expected.put(Instant.class, 24);
        expected.put(Duration.class, 25);
        expected.put(Optional.class, 40);
        expected.put(ArrayList.class, 50);
        expected.put(HashMap.class, 56);
        expected.put(EnumSet.of(Messages.Colour.RED).getClass(), 59);
        expected.put(List.of().getClass(), 70);
        expected.put(List.of(1).getClass(), 70);
        expected.put(List.of(1, 2, 3).getClass(), 70);
        expected.put(Set.of(1).getClass(), 71);
        expected.put(Map.of(1, 1).getClass(), 72);
        expected.put(Collections.emptyList().getClass(), 73);
        expected.put(Collections.unmodifiableList(new java.util.LinkedList<>()).getClass(), 73);
        expected.put(Collections.singletonMap(1, 1).getClass(), 76);
        expected.put(Done.getInstance().getClass(), 92);
        TestProbe<Pong> probe = kit.createTestProbe();
        expected.put(probe.ref().getClass(), 90);
        expected.put(Adapter.toClassic(probe.ref()).getClass(), 91);
        expected.put(Adapter.toClassic(kit.system()).deadLetters().getClass(), 91);
        expected.forEach((type, id) -> assertEquals(id, kryo.registeredId((Class<?>) type), type.toString()));
    }

    @Test
    void classesWithoutAnExplicitIdTravelUnderTheHashOfTheirName() {
        String name = Pong.class.getName();
        assertEquals(KryoRegistry.hashedId(name), kryo.registeredId(Pong.class));
        assertEquals(71_214_444, KryoRegistry.hashedId(name), "FNV-1a of the binary name: the same on every JVM");
        for (String n : List.of("a", "dev.lingon.Foo", "x".repeat(1000), "ünïcödé")) {
            int id = KryoRegistry.hashedId(n);
            assertTrue(id >= KryoRegistry.MIN_HASHED_ID && id <= KryoRegistry.MAX_HASHED_ID, n);
        }
    }

    @Test
    void explicitIdsFromConfigurationWin() {
        assertEquals(300, kryo.registeredId(Square.class));
        assertEquals(new Square(2), kryo.fromBinary(kryo.toBinary(new Square(2))));
    }

    @Test
    void registrarsRegisterFromCodeWithTheirOwnSerializer() {
        assertEquals(4242, kryo.registeredId(Parcel.class));
        assertEquals(new Parcel("FRAGILE", 3), kryo.fromBinary(kryo.toBinary(new Parcel("fragile", 3))));
    }

    @Test
    void unquotedDottedNamesAreAcceptedInIds() {
        KryoSettings settings = KryoSettings.from(TestSystems.config("lingon.serialization.kryo.ids.dev.lingon.xen.serialization.Parcel = 777"));
        assertEquals(777, settings.ids().get(Parcel.class.getName()));
    }

    @Test
    void anUnregisteredMessageNamesTheClassAndHowToRegisterIt() {
        UnregisteredClassException e = assertThrows(UnregisteredClassException.class, () -> kryo.toBinary(new Unregistered("x")));
        String name = Unregistered.class.getName();
        assertEquals(name, e.unregisteredClass());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.classes += \"" + name + "\""), e.getMessage());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.ids { \"" + name + "\" = <id> }"), e.getMessage());
        assertTrue(e.getMessage().contains("registry.register(dev.lingon.xen.serialization.Messages.Unregistered.class)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.registrars"), e.getMessage());
    }

    @Test
    void anUnregisteredClassInsideAMessageNamesBothAndThePathToIt() {
        UnregisteredClassException e = assertThrows(UnregisteredClassException.class,
                () -> kryo.toBinary(new Holder(List.of(Map.of("k", new Unregistered("deep"))))));
        assertEquals(Unregistered.class.getName(), e.unregisteredClass());
        assertTrue(e.getMessage().startsWith("lingon-kryo cannot serialize a message of class " + Holder.class.getName()),
                e.getMessage());
        assertTrue(e.getMessage().contains("Serialization trace:") && e.getMessage().contains("value"), e.getMessage());
    }

    @Test
    void theErrorPointsAtTheSealedParent() {
        UnregisteredClassException e = assertThrows(UnregisteredClassException.class, () -> kryo.toBinary(new UnlistedA(1)));
        assertTrue(e.getMessage().contains("sealed " + Unlisted.class.getName()), e.getMessage());
    }

    @Test
    void lambdasAndJdkInternalsGetAdviceInsteadOfARegistrationHint() {
        Runnable lambda = () -> { };
        UnregisteredClassException l = assertThrows(UnregisteredClassException.class, () -> kryo.toBinary(new Holder(lambda)));
        assertTrue(l.getMessage().contains("lambda"), l.getMessage());
        List<Integer> view = new ArrayList<>(List.of(1, 2, 3)).subList(0, 2);
        UnregisteredClassException j = assertThrows(UnregisteredClassException.class, () -> kryo.toBinary(new Holder(view)));
        assertTrue(j.getMessage().contains("JDK class") && j.getMessage().contains("List.copyOf"), j.getMessage());
    }

    @Test
    void aBadRegistrationFailsTheActorSystemsStartWithAClearMessage() {
        assertStartFails("lingon.serialization.kryo.classes = [\"dev.lingon.xen.serialization.NoSuchClass\"]",
                "lingon.serialization.kryo.classes: class dev.lingon.xen.serialization.NoSuchClass not found");
        assertStartFails("lingon.serialization.kryo.classes = [\"java.lang.Runnable\"]",
                "java.lang.Runnable (from lingon.serialization.kryo.classes) is an interface that is not sealed");
        assertStartFails("lingon.serialization.kryo.ids { \"dev.lingon.xen.serialization.Parcel\" = 12 }",
                "id 12 for dev.lingon.xen.serialization.Parcel is outside the explicit range 256..1048575");
        assertStartFails("lingon.serialization.kryo.ids { \"java.util.UUID\" = 500 }", "built into lingon-kryo with id 22");
        assertStartFails("""
                lingon.serialization.kryo.ids {
                  "dev.lingon.xen.serialization.Parcel" = 500
                  "dev.lingon.xen.serialization.Messages$Pong" = 500
                }""", "are both registered with explicit id 500");
        assertStartFails("lingon.serialization.kryo.registrars = [\"dev.lingon.xen.serialization.Parcel\"]",
                "does not implement dev.lingon.xen.serialization.KryoRegistrar");
    }

    @Test
    void registryRulesForRepeatedAndAbstractRegistrations() {
        KryoRegistry registry = new KryoRegistry();
        registry.register(Parcel.class).register(Parcel.class, 600).register(Parcel.class);
        assertEquals(List.of(600), registry.requests().stream().map(KryoRegistry.Request::id).toList(), "explicit wins");
        assertThrows(IllegalArgumentException.class, () -> registry.register(Parcel.class, 601));
        assertThrows(IllegalArgumentException.class, () -> registry.register(Messages.Wire.class, 700));
        assertThrows(IllegalArgumentException.class, () -> registry.register(Runnable.class));
        assertThrows(IllegalArgumentException.class, () -> registry.register(Parcel.class, KryoRegistry.MIN_HASHED_ID));
        KryoRegistry builtins = new KryoRegistry().register(String.class).register(ArrayList.class);
        assertEquals(List.of(), RegistrationPlan.of(builtins).entries(), "registering a built-in is a no-op");
    }

    @Test
    void twoNamesThatHashAlikeFailFastNamingBoth() throws Exception {
        // Found by searching C0, C1, ...: the first pair whose FNV-1a ids coincide.
        String first = "dev.lingon.xen.serialization.gen.C39498";
        String second = "dev.lingon.xen.serialization.gen.C41062";
        assertEquals(KryoRegistry.hashedId(first), KryoRegistry.hashedId(second));
        GeneratedClasses loader = new GeneratedClasses();
        Class<?> a = loader.define(first);
        Class<?> b = loader.define(second);

        KryoRegistry registry = new KryoRegistry().register(a).register(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrationPlan.of(registry));
        assertTrue(e.getMessage().contains(first) && e.getMessage().contains(second), e.getMessage());
        assertTrue(e.getMessage().contains("both hash to id " + KryoRegistry.hashedId(first)), e.getMessage());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.ids { \""), e.getMessage());

        KryoRegistry settled = new KryoRegistry().register(a).register(b, 5000);
        assertEquals(List.of(5000, KryoRegistry.hashedId(first)),
                RegistrationPlan.of(settled).entries().stream().map(RegistrationPlan.Entry::id).toList());
    }

    static void assertStartFails(String config, String expected) {
        Throwable failure = assertThrows(Throwable.class, () -> {
            ActorTestKit broken = TestSystems.local("KryoRegistrationTestBroken", config);
            try {
                KryoSerializer.get(broken.system());
            } finally {
                broken.shutdownTestKit();
            }
        });
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertTrue(messages.toString().contains(expected), messages.toString());
    }

    /** Defines empty public classes with chosen names, as a build with two such classes would. */
    static final class GeneratedClasses extends ClassLoader {
        GeneratedClasses() {
            super(KryoRegistrationTest.class.getClassLoader());
        }

        Class<?> define(String name) {
            byte[] bytes = ClassFile.of().build(ClassDesc.of(name), c -> c
                    .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL)
                    .withSuperclass(ConstantDescs.CD_Object));
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
