package procsim.ipc;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * A pid stored in an IPC object (lspid, lrpid, sempid, cpid, lpid): a live {@code struct pid}
 * shown per viewer, or a number restored by IPC_SET after {@code LONG1 1} that names no live task.
 * Deviation: such a restored number shows only in the namespace of the task that restored it
 * (Linux, which stores struct pid, cannot hold it at all).
 */
public record IpcPid(Pid pid, int restored, PidNamespace restoredIn) {
    public static final IpcPid NONE = new IpcPid(null, 0, null);

    public static IpcPid of(Pid pid) {
        return new IpcPid(pid, 0, null);
    }

    /** {@code pid_nr_ns}: 0 when not visible in {@code viewer}. */
    public int nr(PidNamespace viewer) {
        if (pid != null) return pid.nr(viewer);
        return viewer == restoredIn ? restored : 0;
    }
}
