package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.Errno;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.layout.XsWireLayout;

/**
 * XenStore path rules as C xenstored applies them ({@code tools/xenstored/core.c}: {@code canonicalize},
 * {@code valid_chars}, {@code get_parent}, {@code basename}, {@code child_name};
 * {@code tools/xenstored/watch.c}: {@code is_child}). Pure functions; any thread.
 */
final class XsPath {
    static final String ROOT = "/";
    static final String LOCAL_DOMAIN = "/local/domain";
    /** The special watch paths xenstored fires itself. */
    static final String INTRODUCE_DOMAIN = "@introduceDomain";
    static final String RELEASE_DOMAIN = "@releaseDomain";

    private XsPath() {
    }

    /** A domain's home, the base of its relative paths ({@code get_implicit_path}). */
    static String home(int domid) {
        return LOCAL_DOMAIN + "/" + domid;
    }

    static boolean isSpecial(String path) {
        return !path.isEmpty() && path.charAt(0) == '@';
    }

    /** True when a path is relative, i.e. neither absolute nor special ({@code check_watch_path}). */
    static boolean isRelative(String path) {
        return path.isEmpty() || (path.charAt(0) != '/' && path.charAt(0) != '@');
    }

    /**
     * The absolute form of a path, or EINVAL. Invalid: a character outside alphanumerics and
     * {@code -/_@}, a special path where none is allowed, a trailing slash (except the root), a
     * doubled slash, or (for unprivileged callers) more than {@link XsWireLayout#XENSTORE_REL_PATH_MAX}
     * characters after {@code /local/domain/<id>/}. The empty path is relative to the home and so
     * ends in a slash: EINVAL too.
     */
    static Result<String> canonicalize(int domid, boolean privileged, String path, boolean allowSpecial) {
        if (!validChars(path)) {
            return Result.err(Errno.EINVAL, "path '" + printable(path) + "' has a character other than A-Z a-z 0-9 - / _ @");
        }
        if (isSpecial(path) && !allowSpecial) {
            return Result.err(Errno.EINVAL, "special path '" + path + "' can only be watched");
        }
        String name = isRelative(path) ? home(domid) + "/" + path : path;
        if (name.endsWith("/") && !name.equals(ROOT)) {
            return Result.err(Errno.EINVAL, "path '" + name + "' ends with a slash");
        }
        if (name.contains("//")) {
            return Result.err(Errno.EINVAL, "path '" + name + "' has an empty component");
        }
        // domain_max_chk(ACC_PATHLEN) counts only what follows /local/domain/<id>/, and only for
        // unprivileged connections.
        if (!privileged && name.length() - relativeOffset(name) > XsWireLayout.XENSTORE_REL_PATH_MAX) {
            return Result.err(Errno.EINVAL, "path is longer than " + XsWireLayout.XENSTORE_REL_PATH_MAX
                    + " characters after /local/domain/<id>/");
        }
        return Result.ok(name);
    }

    /**
     * Where the domain-relative part of a path starts: after {@code /local/domain/<id>/} where the id
     * has one to five digits (C: {@code sscanf(name, "/local/domain/%5u/%n", ...)}), else 0.
     */
    static int relativeOffset(String name) {
        String prefix = LOCAL_DOMAIN + "/";
        if (!name.startsWith(prefix)) {
            return 0;
        }
        int i = prefix.length();
        int digits = 0;
        while (i < name.length() && digits < 5 && isDigit(name.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= name.length() || name.charAt(i) != '/') {
            return 0;
        }
        return i + 1;
    }

    static boolean validChars(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c)
                    || c == '-' || c == '/' || c == '_' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The parent of an absolute path; the root is its own parent ({@code get_parent}). */
    static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash <= 0 ? ROOT : name.substring(0, slash);
    }

    /** The last component of an absolute path other than the root. */
    static String basename(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    static String child(String parent, String base) {
        return parent.equals(ROOT) ? ROOT + base : parent + "/" + base;
    }

    /** Whether {@code child} is {@code parent} or lies below it; everything lies below the root. */
    static boolean isChild(String child, String parent) {
        if (parent.equals(ROOT)) {
            return true;
        }
        return child.startsWith(parent)
                && (child.length() == parent.length() || child.charAt(parent.length()) == '/');
    }

    /** A path for an error message, with control characters escaped. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
