package dev.lingon.xen.serialization;

import static org.junit.jupiter.api.Assertions.*;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Registering a sealed type registers its permitted subclasses, recursively; non-sealed branches stay open. */
class KryoSealedHierarchyRegistrationTest {

    sealed interface Animal permits Dog, Bird, Fish, Insect, Beast {
    }

    record Dog(String name) implements Animal {
    }

    sealed interface Bird extends Animal permits Parrot, Penguin {
    }

    record Parrot(String phrase) implements Bird {
    }

    enum Penguin implements Bird {
        EMPEROR, KING
    }

    /** A branch the compiler cannot enumerate: its classes must be registered one by one. */
    non-sealed interface Fish extends Animal {
    }

    record Salmon(int kilos) implements Fish {
    }

    record Trout(int kilos) implements Fish {
    }

    /** An enum whose constants have bodies is itself abstract and sealed; it travels as the enum. */
    enum Insect implements Animal {
        ANT {
            @Override
            int legs() {
                return 6;
            }
        },
        SPIDER {
            @Override
            int legs() {
                return 8;
            }
        };

        abstract int legs();
    }

    /** A sealed abstract class with a concrete sealed subclass that has subclasses of its own. */
    abstract static sealed class Beast implements Animal permits Cat, Lion {
    }

    static sealed class Cat extends Beast permits Lion.Cub {
        final String name;

        Cat(String name) {
            this.name = name;
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass() && ((Cat) o).name.equals(name);
        }

        @Override
        public int hashCode() {
            return name.hashCode();
        }
    }

    static final class Lion extends Beast {
        static final class Cub extends Cat {
            Cub(String name) {
                super(name);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Lion;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    static final String PREFIX = KryoSealedHierarchyRegistrationTest.class.getName() + "$";

    static ActorTestKit kit;
    static KryoSerializer kryo;

    @BeforeAll
    static void start() {
        kit = TestSystems.local("KryoSealedHierarchyRegistrationTest", """
                lingon.serialization.kryo.classes = ["%sAnimal", "%sSalmon", "dev.lingon.xen.serialization.Messages$Wire"]
                lingon.serialization.kryo.ids { "%sParrot" = 900 }
                """.formatted(PREFIX, PREFIX, PREFIX));
        kryo = TestSystems.serializer(kit);
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void theSealedRootStandsForEveryConcretePermittedSubclass() {
        KryoRegistry registry = new KryoRegistry().register(Animal.class);
        Set<Class<?>> registered = registry.requests().stream().map(KryoRegistry.Request::type).collect(Collectors.toSet());
        assertEquals(Set.of(Dog.class, Parrot.class, Penguin.class, Insect.class, Cat.class, Lion.class, Lion.Cub.class),
                registered, "abstract and non-sealed branches are not registered; a concrete sealed class is");
    }

    @Test
    void everyMemberRoundTrips() {
        for (Animal animal : List.<Animal>of(new Dog("rex"), new Parrot("hello"), Penguin.KING, Insect.SPIDER,
                new Cat("tom"), new Lion(), new Lion.Cub("simba"), new Salmon(4))) {
            Object read = kryo.fromBinary(kryo.toBinary(animal));
            assertEquals(animal, read);
            assertEquals(animal.getClass(), read.getClass());
        }
        assertSame(Insect.ANT, kryo.fromBinary(kryo.toBinary(Insect.ANT)));
        assertEquals(6, ((Insect) kryo.fromBinary(kryo.toBinary(Insect.ANT))).legs());
    }

    @Test
    void membersTravelUnderTheHashOfTheirOwnNameUnlessGivenAnId() {
        assertEquals(KryoRegistry.hashedId(Dog.class.getName()), kryo.registeredId(Dog.class));
        assertEquals(KryoRegistry.hashedId(Lion.Cub.class.getName()), kryo.registeredId(Lion.Cub.class));
        assertEquals(900, kryo.registeredId(Parrot.class), "an explicit id beats the hierarchy's hash");
        assertEquals(kryo.registeredId(Insect.class), kryo.registeredId(Insect.ANT.getClass()), "constant bodies share the enum's id");
    }

    @Test
    void aClassBelowANonSealedBranchMustBeRegisteredItself() {
        assertEquals(new Salmon(4), kryo.fromBinary(kryo.toBinary(new Salmon(4))));
        UnregisteredClassException e = assertThrows(UnregisteredClassException.class, () -> kryo.toBinary(new Trout(1)));
        assertEquals(Trout.class.getName(), e.unregisteredClass());
        assertFalse(e.getMessage().contains("sealed"), "registering Animal would not register Trout: " + e.getMessage());
        assertTrue(e.getMessage().contains("lingon.serialization.kryo.classes += \"" + Trout.class.getName() + "\""));
    }

    @Test
    void aSealedRecordHierarchyInsideAMessageKeepsItsShape() {
        Messages.Holder holder = new Messages.Holder(List.of(new Messages.Circle(1), new Messages.Square(2), new Messages.Triangle(3, 4, 5)));
        KryoSerializer wire = TestSystems.serializer(kit);
        assertEquals(holder, wire.fromBinary(wire.toBinary(holder)));
    }
}
