package procsim.ipc;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.restore.NextSyscallData;

/**
 * {@code current} as ipc/ sees it: its credentials (current_euid, current_egid, ns_capable), its
 * namespaces, its tgid, its mm's shm attaches and its next_syscall_data. A task implements it.
 */
public interface IpcCaller {
    int euid();

    int egid();

    /** ns_capable: true if {@code cap} is effective (and then the caller is marked PF_SUPERPRIV). */
    boolean capable(int cap);

    IpcNamespace ipcNs();

    PidNamespace activePidNs();

    /** task_tgid(current). */
    Pid tgidPid();

    /** The mm's shm attaches, made at the first use. */
    ShmAttaches mmShmAttaches();

    NextSyscallData takeNextSyscallData();

    /** True once the caller has exited: a blocked call then ends. */
    boolean exited();

    /** How many signals a handler took on this thread so far: a blocked call they interrupt ends. */
    long handlerRuns();

    /** How many times its process has stopped (SIGSTOP and the like) so far. */
    long stops();
}
