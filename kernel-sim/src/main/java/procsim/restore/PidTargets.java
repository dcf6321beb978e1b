package procsim.restore;

import procsim.abi.Errno;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * Converts the three ways of asking for pids into one {@link PidRequest} (a number per absolute
 * namespace level). The orders differ, which is the point of the lab:
 * <ul>
 * <li>clone3 set_tid: index 0 is the child's own (innermost) namespace (kernel/pid.c alloc_pid);
 * <li>eclone / clone_with_pids: index 0 is the outermost namespace, the array right-aligned onto
 *     the caller's youngest levels, 0 = kernel's choice; a new namespace's pid is always chosen;
 * <li>next_syscall_data LONGn: like eclone, but the last value is the child's own namespace.
 * </ul>
 */
public final class PidTargets {
    private PidTargets() {
    }

    /** set_tid_size > child level + 1 is EINVAL (alloc_pid). */
    public static PidRequest setTid(int[] setTid, PidNamespace childNs, PidRequest.LevelPermission perm) {
        int level = childNs.level();
        if (setTid.length > level + 1) throw Errno.EINVAL.error();
        int[] byLevel = new int[level + 1];
        for (int k = 0; k < setTid.length; k++) {
            if (setTid[k] == 0) throw Errno.EINVAL.error();
            byLevel[level - k] = setTid[k];
        }
        return PidRequest.of(PidRequest.Style.SET_TID, byLevel, perm);
    }

    /**
     * eclone pids, outermost first, right-aligned onto levels 0..callerLevel. The caller has
     * already checked the count (more than callerLevel + 1 is EINVAL) and the privilege.
     */
    public static PidRequest eclone(int[] pids, int callerLevel) {
        if (pids.length > callerLevel + 1) throw Errno.EINVAL.error();
        int[] byLevel = new int[callerLevel + 1];
        int first = callerLevel + 1 - pids.length;
        for (int k = 0; k < pids.length; k++) {
            if (pids[k] < 0) throw Errno.EINVAL.error();
            byLevel[first + k] = pids[k];
        }
        return PidRequest.of(PidRequest.Style.ECLONE, byLevel, ns -> { });
    }

    /** LONGn for a fork: the youngest n levels of the child, the last value its own namespace. */
    public static PidRequest nextSyscallData(NextSyscallData data, PidNamespace childNs) {
        int level = childNs.level();
        int n = data.count();
        if (n > level + 1) throw Errno.EINVAL.error();
        int[] byLevel = new int[level + 1];
        for (int k = 0; k < n; k++) {
            long v = data.value(k);
            if (v < 1 || v > Integer.MAX_VALUE) throw Errno.EINVAL.error();
            byLevel[level + 1 - n + k] = (int) v;
        }
        return PidRequest.of(PidRequest.Style.NEXT_SYSCALL_DATA, byLevel, ns -> { });
    }
}
