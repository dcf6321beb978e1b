package procsim.task;

import static procsim.abi.CloneFlags.*;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.TaskFlags;
import procsim.ipc.IpcNamespace;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * fork, vfork, clone, clone3 and eclone: copy_process (kernel/fork.c), in Linux's order of checks.
 * Callers hold the kernel's write lock.
 */
final class TaskClone {
    private final TaskSet tasks;

    TaskClone(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * copy_process: the checks in Linux's order, then the new task. Returns the child; the
     * caller's return value is {@code child.pid().nr(caller.activePidNs())}.
     */
    Task clone(Task caller, CloneArgs args) {
        long flags = args.flags();
        ThreadGroup cg = caller.group;
        if ((flags & CLONE_NEWUSER) != 0) throw Errno.EINVAL.error(); // Deviation: no user namespaces
        if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS)) throw Errno.EINVAL.error();
        if ((flags & CLONE_THREAD) != 0 && (flags & CLONE_SIGHAND) == 0) throw Errno.EINVAL.error();
        if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_VM) == 0) throw Errno.EINVAL.error();
        if ((flags & CLONE_PARENT) != 0 && cg.isChildReaper()) throw Errno.EINVAL.error();
        if ((flags & CLONE_THREAD) != 0) {
            if ((flags & CLONE_NEWPID) != 0) throw Errno.EINVAL.error();
            if (caller.pidNsForChildren != caller.activePidNs()) throw Errno.EINVAL.error();
        }
        if ((flags & NS_FLAGS) != 0 && !caller.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
        if ((flags & CLONE_NEWIPC) != 0 && (flags & CLONE_SYSVSEM) != 0) throw Errno.EINVAL.error();
        PidNamespace childNs = caller.pidNsForChildren;
        if ((flags & CLONE_NEWPID) != 0) {
            if (caller.pidNsForChildren != caller.activePidNs()) throw Errno.EINVAL.error();
            childNs = caller.pidNsForChildren.createChild(tasks.nextInum);
        }
        PidRequest request = args.pids().apply(childNs);
        Pid pid = PidNamespace.alloc(childNs, request);
        PidNamespace.forkedBy(pid, request, caller.pid);
        if (childNs != caller.pidNsForChildren) {
            tasks.nextInum++;
            tasks.register(childNs);
        }

        Task t = new Task(tasks.ticks.getAsLong());
        t.pid = pid;
        tasks.attach(pid, t);
        tasks.liveTasks++;
        t.comm = caller.comm;
        t.creds = caller.creds;
        t.flags = TaskFlags.PF_FORKNOEXEC; // PF_SUPERPRIV is not inherited
        t.selfExecId = caller.selfExecId;
        t.blocked = caller.blocked; // dup_task_struct; the pending set is the child's own, empty
        t.files = (flags & CLONE_FILES) != 0 ? caller.files : caller.files.copy();
        t.pidNsForChildren = childNs;
        t.ipcNs = (flags & CLONE_NEWIPC) != 0 ? new IpcNamespace(tasks.nextInum++) : caller.ipcNs;
        if ((flags & CLONE_THREAD) != 0) {
            t.group = cg;
            cg.threads.add(t);
            cg.liveThreads++;
            return t;
        }
        ThreadGroup g = new ThreadGroup();
        t.group = g;
        g.leader = t;
        g.threads.add(t);
        g.liveThreads = 1;
        g.pgrp = cg.pgrp; // init_task_pid(PIDTYPE_PGID, PIDTYPE_SID): the forker's; signal->leader is 0
        g.session = cg.session;
        g.pgrp.addGroupMember(g.session);
        g.session.link();
        g.exitSignal = (flags & CLONE_PARENT) != 0 ? cg.exitSignal : args.exitSignal();
        g.argv = cg.argv; // dup_mm copies the arg area
        // copy_sighand; CLONE_SIGHAND together with CLONE_CLEAR_SIGHAND was EINVAL before
        g.sighand = (flags & CLONE_SIGHAND) != 0 ? cg.sighand : cg.sighand.copy();
        if ((flags & CLONE_CLEAR_SIGHAND) != 0) g.sighand.flushHandlers();
        g.parentExecId = (flags & CLONE_PARENT) != 0 ? cg.parentExecId : caller.selfExecId;
        if ((flags & CLONE_PARENT) != 0) tasks.adopt(cg.parent, cg.parentThread, g);
        else tasks.adopt(cg, caller, g);
        if (pid.innermost() == 1) tasks.setChildReaper(childNs, g);
        g.shm = tasks.shm.dupMm(cg.shm, g.tgidPid());
        return t;
    }
}
