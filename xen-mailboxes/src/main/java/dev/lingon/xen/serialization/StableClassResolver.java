package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IdentityMap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Kryo's class resolver with three changes. Classes travel by registered id only: the by-name form
 * (wire id 1) is refused on read, so bytes can never make this side load a class. An unknown id is
 * reported as such. And a <em>family</em> registration stands for every class a predicate accepts,
 * e.g. all implementations of Pekko's {@code ActorRef} or all of the JDK's internal {@code List.of}
 * classes: they are written under the family's one id and read back by the family's serializer.
 *
 * <p>Threads: one per Kryo instance, used by the thread that holds that instance.
 */
final class StableClassResolver extends DefaultClassResolver {

    private record Family(Predicate<Class<?>> members, Registration registration) {
    }

    private final List<Family> families = new ArrayList<>();
    private final IdentityMap<Class<?>, Registration> familyMembers = new IdentityMap<>();

    /** Registers {@code registration} (under its id and its own type) for every class {@code members} accepts. */
    void registerFamily(Registration registration, Predicate<Class<?>> members) {
        register(registration);
        families.add(new Family(members, registration));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
        Registration registration = super.getRegistration(type);
        if (registration != null) {
            return registration;
        }
        registration = familyMembers.get(type);
        if (registration != null) {
            return registration;
        }
        for (Family family : families) {
            if (family.members().test(type)) {
                familyMembers.put(type, family.registration());
                return family.registration();
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration registerImplicit(Class type) {
        throw new IllegalStateException("lingon-kryo never registers classes implicitly: " + type.getName());
    }

    @Override
    public Registration readClass(Input input) {
        int wire = input.readVarInt(true);
        if (wire == Kryo.NULL) {
            return null;
        }
        Registration registration = wire >= 2 ? getRegistration(wire - 2) : null;
        if (registration == null) {
            throw new KryoException(wire == NAME + 2
                    ? "corrupt input: a class written by name; lingon-kryo writes classes by id only"
                    : "unknown class id " + (wire - 2) + ": the writer registered a class this side has not"
                            + " (both sides need the same lingon.serialization.kryo registrations), or the bytes are corrupt");
        }
        return registration;
    }
}
