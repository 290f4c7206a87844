/**
 * {@code lingon-kryo}: the Pekko serializer Lingon's domains use between each other, over vchan rings
 * and over Artery alike, built on Kryo 5 ({@link dev.lingon.xen.serialization.KryoSerializer}).
 *
 * <h2>Wire format</h2>
 * One message is {@code varint(classId + 2)} followed by the fields its class's serializer writes
 * (Kryo's format: little-endian, variable-length integers); a {@code null} message is the single byte
 * 0. Nested objects whose class is not fixed by the declared type carry their class id the same way.
 * Classes never travel by name: reading a by-name class (wire id 1) or an unknown id is malformed
 * input, so bytes can never make the reader load a class.
 *
 * <h2>Class ids</h2>
 * Ids are a pure function of the registrations, never of their order, so any two processes with the
 * same registrations (each possibly with more) read each other's bytes:
 * <ul>
 *   <li>0…255 built in: Kryo's primitives and String (0…8; boxes share their primitive's id),
 *       primitive arrays and {@code String[]} (10…18), {@code BigInteger}, {@code BigDecimal},
 *       {@code UUID}, {@code URI} (20…23), {@code java.time} values (24…37), {@code Optional*}
 *       (40…43), mutable JDK collections (50…61), the unmodifiable families (70…77: {@code List.of},
 *       {@code Set.of}, {@code Map.of}, {@code Collections.unmodifiable*}/{@code empty*}/{@code singleton*}),
 *       the natural, reverse and case-insensitive comparators (80…82), Pekko's typed and classic
 *       {@code ActorRef} (90, 91), {@code Done} and {@code NotUsed} (92, 93).</li>
 *   <li>256…1048575: explicit ids given in {@code lingon.serialization.kryo.ids} or
 *       {@link dev.lingon.xen.serialization.KryoRegistry#register(Class, int)}.</li>
 *   <li>1048576…268435455: everything else registered, by the FNV-1a hash of its binary class name
 *       ({@link dev.lingon.xen.serialization.KryoRegistry#hashedId(String)}); two names that collide
 *       fail the serializer's construction, naming both.</li>
 * </ul>
 * Records travel in the format of Kryo's record serializer (components in name order, read back through
 * the canonical constructor), written through method handles; enums by ordinal (add constants at the
 * end); ordinary classes field by field (Kryo's field serializer; created through a no-argument
 * constructor or, lacking one, Objenesis). A sealed type registers its permitted subclasses. Unmodifiable JDK
 * collections come back unmodifiable, with equal contents and the same iteration order, though
 * possibly as another JDK class.
 *
 * <h2>Actor references</h2>
 * A typed {@code ActorRef} travels as {@code ActorRefResolver.toSerializationFormat} and is resolved by
 * the reading system's {@code ActorRefResolver}; a classic one as
 * {@code Serialization.serializedActorPath}, resolved by the provider. Either may sit anywhere in a
 * message (a record component, a list element).
 *
 * <h2>Failures</h2>
 * Writing a message that holds an unregistered class throws
 * {@link dev.lingon.xen.serialization.UnregisteredClassException} naming the class and the way to
 * register it; Java serialization is never used, so Pekko's {@code allow-java-serialization = off}
 * holds. Reading bytes that are not exactly one message (truncated, corrupt, trailing bytes, too deep,
 * an unknown id) is {@link dev.lingon.xen.serialization.DecodeResult.Malformed} from
 * {@code decode}, or {@link dev.lingon.xen.serialization.MalformedMessageException} through Pekko's
 * API; no count read from the input can allocate more than the input's size allows, and no read
 * loops past the input's end.
 *
 * <h2>Threads</h2>
 * One serializer per ActorSystem, shared by all threads, borrowing Kryo instances from a pool.
 * Kryo runs without {@code sun.misc.Unsafe} ({@code -Dkryo.unsafe=false}).
 */
package dev.lingon.xen.serialization;
