package dev.lingon.scheduler.sim;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;

/**
 * Seeds the {@link java.util.concurrent.ThreadLocalRandom} of the simulation's driver thread.
 *
 * <p>Why: Pekko draws every actor's uid from {@code ThreadLocalRandom} ({@code ActorCell.newUid}); a uid
 * is the actor ref's hash code, and hash sets of refs (death-watch watchers, receptionist listings, any
 * user {@code Set<ActorRef>}) iterate in uid order. Unseeded, each run would order those differently.
 * The JDK offers no seed for {@code ThreadLocalRandom}, so this writes the thread's
 * {@code threadLocalRandomSeed} and {@code threadLocalRandomProbe} fields (a non-zero probe means
 * "initialised", so the JDK does not reseed it). It uses a private lookup when
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} is given, else {@code sun.misc.Unsafe}, which
 * Pekko needs anyway. The same seed on the same thread gives the same uids, whatever the thread's id.
 */
final class DeterministicUids {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DeterministicUids() {
    }

    static void seedCurrentThread(long seed) {
        Thread t = Thread.currentThread();
        long s = mix64(seed ^ GOLDEN);
        int probe = (int) (mix64(seed) | 1);
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            VarHandle seedH = l.findVarHandle(Thread.class, "threadLocalRandomSeed", long.class);
            VarHandle probeH = l.findVarHandle(Thread.class, "threadLocalRandomProbe", int.class);
            seedH.set(t, s);
            probeH.set(t, probe);
            return;
        } catch (IllegalAccessException | NoSuchFieldException e) {
            // java.lang is not opened to us: fall back to Unsafe below.
        }
        try {
            Field f = Class.forName("sun.misc.Unsafe").getDeclaredField("theUnsafe");
            f.setAccessible(true);
            sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
            @SuppressWarnings("deprecation")
            long seedOff = u.objectFieldOffset(Thread.class.getDeclaredField("threadLocalRandomSeed"));
            @SuppressWarnings("deprecation")
            long probeOff = u.objectFieldOffset(Thread.class.getDeclaredField("threadLocalRandomProbe"));
            u.putLong(t, seedOff, s);
            u.putInt(t, probeOff, probe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot seed ThreadLocalRandom for deterministic actor uids: run with"
                    + " --add-opens java.base/java.lang=ALL-UNNAMED (or allow sun.misc.Unsafe)", e);
        }
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
