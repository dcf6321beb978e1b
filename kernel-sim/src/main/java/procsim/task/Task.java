package procsim.task;

import procsim.abi.Capability;
import procsim.abi.TaskFlags;
import procsim.fd.FdTable;
import procsim.ipc.IpcCaller;
import procsim.ipc.IpcNamespace;
import procsim.ipc.ShmAttaches;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.restore.NextSyscallData;

/**
 * A sim thread ({@code struct task_struct}): its pid, thread group, comm, credentials, fd table,
 * namespaces and its pending next_syscall_data. Fields change only under the kernel lock, through
 * {@link TaskSet}.
 */
public final class Task implements IpcCaller {
    final long startTime;

    // guarded by the kernel lock
    Pid pid;
    ThreadGroup group;
    String comm;
    Credentials creds;
    FdTable files;
    PidNamespace pidNsForChildren;
    IpcNamespace ipcNs;
    NextSyscallData nextSyscallData;
    boolean exited;
    /** task->exit_code: what do_exit was given (0 while the task lives). */
    int exitCode;
    /** PF_EXITING, PF_FORKNOEXEC and PF_SUPERPRIV ({@link TaskFlags}); PF_RANDOMIZE is added when shown. */
    int flags;
    /** self_exec_id: execve adds one; fork copies it (a child's parent_exec_id is checked against it). */
    int selfExecId;
    /** Signals a handler took on this thread (a blocked syscall they interrupt ends), and the last one's SA_RESTART. */
    long handlerRuns;
    boolean lastHandlerRestarts;
    /** blocked: the signals this thread blocks (bit sig-1), never SIGKILL or SIGSTOP; fork and execve keep it. */
    long blocked;
    /** pending: signals sent to this thread alone (tkill, tgkill; bit sig-1), status's SigPnd. */
    long pendingSignals;
    /** The set of an rt_sigtimedwait this thread sleeps in (0: none): its signals are left to it. */
    long waitingFor;

    Task(long startTime) {
        this.startTime = startTime;
    }

    public Pid pid() {
        return pid;
    }

    /** gettid() as the task's own namespace sees it. */
    public int tid() {
        return pid.innermost();
    }

    public ThreadGroup group() {
        return group;
    }

    public boolean isLeader() {
        return group.leader == this;
    }

    public String comm() {
        return comm;
    }

    public Credentials creds() {
        return creds;
    }

    /** commit_creds: the task's credentials become {@code c}. Callers hold the kernel lock. */
    public void commitCreds(Credentials c) {
        this.creds = c;
    }

    @Override
    public int euid() {
        return creds.euid();
    }

    @Override
    public int egid() {
        return creds.egid();
    }

    @Override
    public Pid tgidPid() {
        return group.tgidPid();
    }

    @Override
    public ShmAttaches mmShmAttaches() {
        if (group.shm == null) group.shm = new ShmAttaches();
        return group.shm;
    }

    /** The PF_* flags the task has earned (fork, exec, a privilege used, exit). */
    public int flags() {
        return flags;
    }

    /**
     * ns_capable (kernel/capability.c) with this task as current: true if {@code cap} is in its
     * effective set, and then the task is marked PF_SUPERPRIV. Callers hold the kernel lock.
     */
    @Override
    public boolean capable(int cap) {
        if (!creds.capable(cap)) return false;
        flags |= TaskFlags.PF_SUPERPRIV;
        return true;
    }

    /** checkpoint_restore_ns_capable: CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN, through {@link #capable}. */
    public boolean checkpointRestoreCapable() {
        return capable(Capability.CAP_CHECKPOINT_RESTORE) || capable(Capability.CAP_SYS_ADMIN);
    }

    /** The fd table, or null once the task has exited (exit_files). */
    public FdTable files() {
        return files;
    }

    /** {@code task_active_pid_ns}: the namespace of the task's own pid. */
    @Override
    public PidNamespace activePidNs() {
        return pid.namespace();
    }

    public PidNamespace pidNsForChildren() {
        return pidNsForChildren;
    }

    @Override
    public IpcNamespace ipcNs() {
        return ipcNs;
    }

    public NextSyscallData nextSyscallData() {
        return nextSyscallData;
    }

    @Override
    public boolean exited() {
        return exited;
    }

    /**
     * stat's exit_code (fs/proc/array.c do_task_stat): the task's own, except that the whole
     * process's file ({@code whole}, /proc/PID/stat) shows group_exit_code once the group exits
     * (SIGNAL_GROUP_EXIT) or is stopped (SIGNAL_STOP_STOPPED: the stop signal until reported).
     */
    public int statExitCode(boolean whole) {
        if (whole && group.exiting) return group.exitStatus;
        if (whole && group.stopped) return group.stopCode;
        return exitCode;
    }

    public TaskState state() {
        if (!exited) return group.stopped ? TaskState.STOPPED : TaskState.SLEEPING; // else waits for its next line
        if (group.zapWaiter == this) return TaskState.SLEEPING; // in do_exit, zap_pid_ns_processes's wait
        return group.reaped ? TaskState.DEAD : TaskState.ZOMBIE;
    }

    /** Start time in clock ticks after boot (stat field 22). */
    public long startTime() {
        return startTime;
    }

    /** Sets or clears (null) next_syscall_data; callers hold the kernel lock. */
    public void setNextSyscallData(NextSyscallData data) {
        this.nextSyscallData = data;
    }

    /** Takes next_syscall_data off: a supporting syscall consumes it even when it then fails. */
    @Override
    public NextSyscallData takeNextSyscallData() {
        NextSyscallData d = nextSyscallData;
        nextSyscallData = null;
        return d;
    }

    @Override
    public String toString() {
        return "task " + pid + " (" + comm + ")";
    }

    /** The signals pending for this thread alone (status's SigPnd). */
    public long pendingSignals() {
        return pendingSignals;
    }

    /** The thread's signal mask. */
    public long blocked() {
        return blocked;
    }

    /**
     * The mask as status's SigBlk shows it: while the thread sleeps in rt_sigtimedwait, without the
     * set it waits for (do_sigtimedwait unblocks it meanwhile: blocked &= ~set).
     */
    public long blockedShown() {
        return blocked & ~waitingFor;
    }

    @Override
    public long handlerRuns() {
        return handlerRuns;
    }

    @Override
    public long stops() {
        return group.stops;
    }
}
