package procsim.pid;

import procsim.abi.Errno;

/**
 * The numbers asked for a new task, one per absolute namespace level (0 = let the kernel choose).
 * clone3 set_tid, the seeds' eclone pids and next_syscall_data LONGn all convert to this one
 * shape; they differ only in the errno for a taken number, the per-level capability check and
 * whether a namespace without init may be given a number other than 1.
 */
public final class PidRequest {
    /** Which interface asked: decides the errnos that differ between them. */
    public enum Style {
        /** No number asked: every level cyclic. */
        NONE(Errno.EEXIST, false),
        /** clone3 set_tid (Linux 5.5+): taken is EEXIST, capability per pinned level. */
        SET_TID(Errno.EEXIST, true),
        /** clone_with_pids / eclone (2009-10 seeds): taken is EBUSY, capability checked up front. */
        ECLONE(Errno.EBUSY, false),
        /** next_syscall_data (2008 seed patch): taken is EBUSY. */
        NEXT_SYSCALL_DATA(Errno.EBUSY, false);

        final Errno busy;
        final boolean capabilityPerLevel;

        Style(Errno busy, boolean capabilityPerLevel) {
            this.busy = busy;
            this.capabilityPerLevel = capabilityPerLevel;
        }
    }

    /** Checks the caller's privilege over one pinned namespace level; throws EPERM. */
    @FunctionalInterface
    public interface LevelPermission {
        void check(PidNamespace ns);
    }

    private static final PidRequest NONE = new PidRequest(Style.NONE, new int[0], ns -> { });

    private final Style style;
    private final int[] byLevel;
    private final LevelPermission permission;

    private PidRequest(Style style, int[] byLevel, LevelPermission permission) {
        this.style = style;
        this.byLevel = byLevel;
        this.permission = permission;
    }

    public static PidRequest none() {
        return NONE;
    }

    /** {@code byLevel[l]} is the number wanted at absolute level l; 0 or absent means cyclic. */
    public static PidRequest of(Style style, int[] byLevel, LevelPermission permission) {
        return new PidRequest(style, byLevel.clone(), permission);
    }

    public Style style() {
        return style;
    }

    int at(int level) {
        return level < byLevel.length ? byLevel[level] : 0;
    }

    Errno busy() {
        return style.busy;
    }

    void checkPermission(PidNamespace ns) {
        if (style.capabilityPerLevel) permission.check(ns);
    }
}
