package dev.lingon.xen.api;

/**
 * The errno values Xen's hypercalls and xenstored answer with, under their Xen (= Linux) names and
 * numbers ({@code xen/include/public/errno.h}). A hypercall that Xen would answer with {@code -EINVAL}
 * answers {@link #EINVAL} here; {@link #OK} stands for Xen's {@code 0}.
 */
public enum Errno {
    OK(0),
    EPERM(1),
    ENOENT(2),
    ESRCH(3),
    EINTR(4),
    EIO(5),
    E2BIG(7),
    EBADF(9),
    EAGAIN(11),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    EBUSY(16),
    EEXIST(17),
    ENODEV(19),
    EISDIR(21),
    EINVAL(22),
    ENOSPC(28),
    EROFS(30),
    ENOSYS(38),
    ENOTEMPTY(39),
    EISCONN(106),
    ENOTCONN(107),
    ETIMEDOUT(110),
    /** xenstored's quota error (Linux EDQUOT). */
    EQUOTA(122);

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive errno number; a hypercall returns its negation. */
    public int code() {
        return code;
    }

    /** Xen's hypercall return value for this outcome: {@code 0} or {@code -errno}. */
    public int rc() {
        return -code;
    }

    public boolean isOk() {
        return this == OK;
    }

    /** The errno for a positive code, or for a hypercall's negative return value. */
    public static Errno of(int codeOrRc) {
        int c = Math.abs(codeOrRc);
        for (Errno e : values()) {
            if (e.code == c) {
                return e;
            }
        }
        throw new IllegalArgumentException("no Xen errno with code " + codeOrRc);
    }

    /** The errno named by xenstored's error string ("EINVAL", "EACCES" …). */
    public static Errno named(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no Xen errno named '" + name + "'", e);
        }
    }

    /** Throws {@link XenException} unless this is {@link #OK}; for callers that treat failure as misuse. */
    public void orThrow(String what) {
        if (this != OK) {
            throw new XenException(this, what);
        }
    }
}
