package dev.lingon.xen.internal.store;

import dev.lingon.xen.api.XsPermission;

import java.util.ArrayList;
import java.util.List;

/**
 * One XenStore node, immutable: a change makes a new node, so a transaction can keep the version it
 * first saw. Mirrors C xenstored's record ({@code struct node_hdr} + permissions + data + children,
 * {@code tools/xenstored/core.h}); children are kept in creation order, as {@code add_child} appends.
 */
final class XsNode {
    /** {@code sizeof(struct node_hdr)}: u64 generation, u16 num_perms, u16 datalen, u32 childlen. */
    static final int NODE_HDR_SIZE = 16;
    /** {@code sizeof(struct xs_permissions)}: unsigned int id, enum perms. */
    static final int XS_PERMISSIONS_SIZE = 8;

    private final String name;
    private final String value;
    private final List<XsPermission> perms;
    private final List<String> children;
    private final long generation;
    private final int childLen;

    XsNode(String name, String value, List<XsPermission> perms, List<String> children, long generation) {
        this.name = name;
        this.value = value;
        this.perms = List.copyOf(perms);
        this.children = List.copyOf(children);
        this.generation = generation;
        int len = 0;
        for (String c : this.children) {
            len += utf8Length(c) + 1;
        }
        this.childLen = len;
    }

    String name() {
        return name;
    }

    String value() {
        return value;
    }

    List<XsPermission> perms() {
        return perms;
    }

    List<String> children() {
        return children;
    }

    long generation() {
        return generation;
    }

    int owner() {
        return perms.getFirst().domid();
    }

    /**
     * The size C xenstored accounts for this node ({@code calc_node_acc_size}): header, permissions,
     * value bytes and the NUL-terminated child names. Unprivileged writers must keep it within the
     * node-size quota.
     */
    int accountedSize() {
        return NODE_HDR_SIZE + XS_PERMISSIONS_SIZE * perms.size() + utf8Length(value) + childLen;
    }

    XsNode withValue(String newValue) {
        return new XsNode(name, newValue, perms, children, generation);
    }

    XsNode withPerms(List<XsPermission> newPerms) {
        return new XsNode(name, value, newPerms, children, generation);
    }

    XsNode withGeneration(long newGeneration) {
        return new XsNode(name, value, perms, children, newGeneration);
    }

    XsNode withChildAdded(String base) {
        List<String> c = new ArrayList<>(children.size() + 1);
        c.addAll(children);
        c.add(base);
        return new XsNode(name, value, perms, c, generation);
    }

    XsNode withChildRemoved(String base) {
        List<String> c = new ArrayList<>(children);
        c.remove(base);
        return new XsNode(name, value, perms, c, generation);
    }

    /** Number of bytes the UTF-8 encoding of {@code s} takes, without encoding it. */
    static int utf8Length(String s) {
        int len = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len += 1;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                // String.getBytes(UTF_8) replaces an unpaired surrogate by '?'.
                len += 1;
            } else {
                len += 3;
            }
        }
        return len;
    }

    @Override
    public String toString() {
        return name + " = \"" + XsPath.printable(value) + "\" (" + XsPermission.wire(perms) + ")";
    }
}
