package dev.lingon.xen.api;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a XenStore node's permission list, written {@code r5}, {@code w0}, {@code b3}, {@code n0}
 * on the wire. The first entry of a list names the owner (who has full access) and the access every
 * domain not listed gets; later entries grant domains the listed access. dom0 may do anything.
 */
public record XsPermission(Access access, int domid) {

    public enum Access {
        /** {@code n}: no access. */
        NONE('n'),
        /** {@code r}: read. */
        READ('r'),
        /** {@code w}: write. */
        WRITE('w'),
        /** {@code b}: both read and write. */
        BOTH('b');

        private final char letter;

        Access(char letter) {
            this.letter = letter;
        }

        public char letter() {
            return letter;
        }

        public boolean canRead() {
            return this == READ || this == BOTH;
        }

        public boolean canWrite() {
            return this == WRITE || this == BOTH;
        }

        public static Access ofLetter(char c) {
            for (Access a : values()) {
                if (a.letter == c) {
                    return a;
                }
            }
            throw new IllegalArgumentException("XenStore permission letter must be one of n r w b, not '" + c + "'");
        }
    }

    public XsPermission {
        Objects.requireNonNull(access, "access");
        if (!DomId.isReal(domid)) {
            throw new IllegalArgumentException("XenStore permission names domid " + domid + ", which is not a real domain id");
        }
    }

    public static XsPermission none(int domid) {
        return new XsPermission(Access.NONE, domid);
    }

    public static XsPermission read(int domid) {
        return new XsPermission(Access.READ, domid);
    }

    public static XsPermission write(int domid) {
        return new XsPermission(Access.WRITE, domid);
    }

    public static XsPermission both(int domid) {
        return new XsPermission(Access.BOTH, domid);
    }

    /** Parses the wire form, e.g. {@code "r5"}. */
    public static XsPermission parse(String s) {
        if (s == null || s.length() < 2) {
            throw new IllegalArgumentException("XenStore permission must be a letter n/r/w/b followed by a domid, not '" + s + "'");
        }
        Access a = Access.ofLetter(s.charAt(0));
        try {
            return new XsPermission(a, Integer.parseInt(s.substring(1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("XenStore permission '" + s + "' has no numeric domid", e);
        }
    }

    /** The wire form, e.g. {@code "r5"}. */
    public String wire() {
        return access.letter() + Integer.toString(domid);
    }

    /** The wire form of a whole list: entries separated by spaces, as {@code xenstore-ls -p} shows. */
    public static String wire(List<XsPermission> perms) {
        StringBuilder sb = new StringBuilder();
        for (XsPermission p : perms) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(p.wire());
        }
        return sb.toString();
    }
}
