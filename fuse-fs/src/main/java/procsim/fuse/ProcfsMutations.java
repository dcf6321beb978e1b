package procsim.fuse;

import procsim.abi.Errno;

/**
 * What real procfs answers to the operations that would change its namespace or inode
 * attributes (create, mkdir, unlink, rmdir, rename, link, symlink, chmod, chown, utimes), measured
 * as root on this machine's Linux 6.18 /proc. The FUSE kernel module has already looked the names
 * up, so for most operations the name exists; where it does not, procfs' lookup answers ENOENT.
 *
 * <table>
 *   <caption>measured errnos (root)</caption>
 *   <tr><th>operation</th><th>pid dir ({@code /1}, {@code /1/task/1})</th><th>inside a pid dir</th>
 *       <th>{@code /sys/...} (sysctl)</th><th>other ({@code /}, {@code /sysvipc/msg})</th></tr>
 *   <tr><td>create, mknod, mkdir, symlink, link: new name</td><td colspan="4">ENOENT (EEXIST if the
 *       name exists)</td></tr>
 *   <tr><td>unlink, rmdir</td><td>EPERM</td><td>EPERM</td><td>EACCES (EPERM for {@code /sys}
 *       itself, whose parent is the root)</td><td>EPERM</td></tr>
 *   <tr><td>rename to an existing name</td><td>EPERM</td><td>EPERM</td><td>EACCES</td><td>EPERM</td></tr>
 *   <tr><td>rename to a new name</td><td colspan="4">ENOENT</td></tr>
 *   <tr><td>chmod</td><td>EPERM</td><td>EPERM</td><td>EPERM</td><td>0 on Linux; EPERM here</td></tr>
 *   <tr><td>chown</td><td>EPERM</td><td>0 (Linux undoes it at the next lookup)</td><td>EPERM</td>
 *       <td>0</td></tr>
 *   <tr><td>utimensat (touch)</td><td>EPERM</td><td>0</td><td>0</td><td>0</td></tr>
 * </table>
 *
 * <p>Deviation: chmod of a non-pid, non-sysctl entry ({@code /}, {@code /sysvipc/msg}) succeeds on
 * Linux and changes the in-memory mode until the inode is evicted; the sim keeps no modes, so it
 * answers EPERM rather than pretend. chown of such an entry answers 0 and changes nothing (on Linux
 * the owner sticks until eviction). chown and utimes of an entry inside a pid dir answer 0 and
 * change nothing, which is what Linux shows too (pid_revalidate resets the owner).
 */
final class ProcfsMutations {
    private ProcfsMutations() {
    }

    /** Where a path sits, for the rules above. */
    enum Place { PID_DIR, IN_PID_DIR, SYSCTL, OTHER }

    static Place placeOf(String path) {
        if (path.equals("/sys") || path.startsWith("/sys/")) {
            return Place.SYSCTL;
        }
        int end = digitsEnd(path, 1);
        if (end < 0) {
            return Place.OTHER;
        }
        if (end == path.length()) {
            return Place.PID_DIR; // "/1"
        }
        if (path.charAt(end) != '/') {
            return Place.OTHER;
        }
        String task = "/task/";
        if (path.startsWith(task, end)) {
            int tidEnd = digitsEnd(path, end + task.length());
            if (tidEnd == path.length()) {
                return Place.PID_DIR; // "/1/task/1"
            }
        }
        return Place.IN_PID_DIR;
    }

    /** The index after a run of at least one digit starting at {@code from}, or -1. */
    private static int digitsEnd(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i > from ? i : -1;
    }

    /** create, mknod, mkdir, symlink, link: {@code exists} tells whether the new name exists. */
    static Errno createName(boolean exists) {
        return exists ? Errno.EEXIST : Errno.ENOENT;
    }

    /** unlink and rmdir of an existing entry. */
    static Errno remove(String path) {
        return path.startsWith("/sys/") ? Errno.EACCES : Errno.EPERM;
    }

    /** rename of an existing entry. */
    static Errno rename(String from, boolean targetExists) {
        if (!targetExists) {
            return Errno.ENOENT;
        }
        return placeOf(from) == Place.SYSCTL ? Errno.EACCES : Errno.EPERM;
    }

    /** chmod of an existing entry (always refused here, see the class comment). */
    static Errno chmod(String path) {
        return Errno.EPERM;
    }

    /** chown of an existing entry: null means success (a no-op). */
    static Errno chown(String path) {
        return switch (placeOf(path)) {
            case PID_DIR, SYSCTL -> Errno.EPERM;
            case IN_PID_DIR, OTHER -> null;
        };
    }

    /** utimensat of an existing entry: null means success (a no-op). */
    static Errno utimens(String path) {
        return placeOf(path) == Place.PID_DIR ? Errno.EPERM : null;
    }
}
