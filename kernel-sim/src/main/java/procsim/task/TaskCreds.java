package procsim.task;

import procsim.abi.Capability;
import procsim.abi.Errno;

/**
 * setuid(2) (kernel/sys.c) and the task's comm (fs/proc/base.c comm_write, prctl PR_SET_NAME).
 * Callers hold the kernel's write lock.
 */
final class TaskCreds {
    private TaskCreds() {
    }

    /**
     * A write to /proc/PID/comm (fs/proc/base.c comm_write) or prctl(PR_SET_NAME): the first 15
     * bytes, verbatim, a trailing newline included.
     */
    static void setComm(Task t, String text) {
        t.comm = commOf(text);
    }

    /**
     * What fits in comm (TASK_COMM_LEN 16, NUL included): at most 15 bytes of UTF-8. Deviation:
     * Linux cuts at byte 15 even inside a character; the sim keeps whole characters.
     */
    static String commOf(String name) {
        int bytes = 0;
        int end = 0;
        while (end < name.length()) {
            int cp = name.codePointAt(end);
            bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes > 15) break;
            end += Character.charCount(cp);
        }
        return name.substring(0, end);
    }

    /** setuid(2): uid -1 (or out of 32 bits) is EINVAL; CAP_SETUID is checked by ns_capable_setid. */
    static void setuid(Task t, long uid) {
        if (uid < 0 || uid >= 0xffffffffL) throw Errno.EINVAL.error();
        t.creds = t.creds.setuid((int) uid, t.capable(Capability.CAP_SETUID));
    }
}
