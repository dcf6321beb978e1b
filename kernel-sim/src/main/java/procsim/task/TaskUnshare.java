package procsim.task;

import static procsim.abi.CloneFlags.*;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.ipc.IpcNamespace;
import procsim.pid.PidNamespace;

/**
 * unshare(2) (kernel/fork.c ksys_unshare): new pid and IPC namespaces, a private fd table.
 * Callers hold the kernel's write lock.
 */
final class TaskUnshare {
    private static final long UNSHARE_ALLOWED = CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND
            | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET
            | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;

    private final TaskSet tasks;

    TaskUnshare(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * unshare(2) (kernel/fork.c ksys_unshare): CLONE_NEWPID moves only pid_ns_for_children;
     * CLONE_NEWIPC a fresh IPC namespace; CLONE_FILES a private fd table.
     */
    void unshare(Task t, long flags) {
        if ((flags & ~UNSHARE_ALLOWED) != 0) throw Errno.EINVAL.error();
        if ((flags & CLONE_NEWUSER) != 0) throw Errno.EINVAL.error(); // Deviation: no user namespaces
        if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) != 0 && t.group.liveThreads > 1) {
            throw Errno.EINVAL.error();
        }
        if ((flags & NS_FLAGS) != 0 && !t.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
        PidNamespace newPidNs = null;
        if ((flags & CLONE_NEWPID) != 0) {
            if (t.pidNsForChildren != t.activePidNs()) throw Errno.EINVAL.error();
            newPidNs = t.pidNsForChildren.createChild(tasks.nextInum++);
        }
        if (newPidNs != null) {
            t.pidNsForChildren = newPidNs;
            tasks.register(newPidNs);
        }
        if ((flags & CLONE_NEWIPC) != 0) t.ipcNs = new IpcNamespace(tasks.nextInum++);
        if ((flags & CLONE_FILES) != 0) t.files = t.files.copy();
    }
}
