package dev.lingon.xen.serialization;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * The one rule that keeps corrupt input from allocating more than it carries: every element of an
 * array, string, collection or map takes at least one byte on the wire, so a count larger than the
 * bytes left is corrupt. Checked before anything is allocated; allocation stays within a small
 * multiple of the input's size. Stateless.
 */
final class Bounds {
    private Bounds() {
    }

    static int remaining(Input input) {
        return input.limit() - input.position();
    }

    /** Fails unless {@code count} elements could follow in the bytes left in {@code input}. */
    static void checkCount(int count, Input input, String what) {
        check(count, remaining(input), what);
    }

    static void check(int count, int remaining, String what) {
        if (count < 0 || count > remaining) {
            throw new KryoException("corrupt input: " + what + " claims " + count + " elements but only " + remaining
                    + " bytes are left");
        }
    }
}
