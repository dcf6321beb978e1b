package procsim.task;

import procsim.abi.Errno;
import procsim.abi.TaskFlags;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * Process groups and sessions: setsid, setpgid, getpgid, getsid (kernel/sys.c). A process group
 * or session is the pid it is named after; while any process is in it, that number stays taken
 * ({@link procsim.pid.Pid#link}), even after its leader is reaped. There is no terminal: setsid's
 * proc_clear_tty has nothing to clear and stat's tty_nr stays 0.
 */
final class TaskSession {
    private final TaskSet tasks;

    TaskSession(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * ksys_setsid: EPERM for a session leader, or when a process group is named after the caller's
     * pid (a group leader's, or a reaped leader's group the caller shares); else the caller's process
     * leads a new session and a new process group, named after its pid. Returns that pid as the
     * caller sees it.
     */
    int setsid(Task caller) {
        ThreadGroup g = caller.group;
        Pid sid = g.tgidPid();
        if (g.sessionLeader || hasProcessGroup(sid)) throw Errno.EPERM.error();
        g.sessionLeader = true;
        move(g, sid, true);
        move(g, sid, false);
        return sid.nr(caller.activePidNs());
    }

    /**
     * sys_setpgid, its checks in the kernel's order: PID 0 is the caller, PGID 0 is PID; EINVAL for
     * a negative PGID; ESRCH for no such task; EINVAL for a thread that is not its process's leader;
     * a child of the caller's process must be in the caller's session (EPERM) and not have exec'd
     * (EACCES); any other process than the caller's own is ESRCH; a session leader cannot move
     * (EPERM); a PGID other than PID must name a process group of the caller's session (EPERM).
     */
    void setpgid(Task caller, int pid, int pgid) {
        ThreadGroup self = caller.group;
        PidNamespace ns = caller.activePidNs();
        if (pid == 0) pid = self.tgid(ns);
        if (pgid == 0) pgid = pid;
        if (pgid < 0) throw Errno.EINVAL.error();
        Task p = pid > 0 ? tasks.lookup(ns, pid) : null;
        if (p == null) throw Errno.ESRCH.error();
        if (!p.isLeader()) throw Errno.EINVAL.error();
        ThreadGroup g = p.group;
        if (g.parent == self) {
            if (g.session != self.session) throw Errno.EPERM.error();
            if ((p.flags & TaskFlags.PF_FORKNOEXEC) == 0) throw Errno.EACCES.error();
        } else if (g != self) {
            throw Errno.ESRCH.error();
        }
        if (g.sessionLeader) throw Errno.EPERM.error();
        Pid pgrp = p.pid;
        if (pgid != pid) {
            pgrp = ns.lookup(pgid);
            ThreadGroup member = pgrp == null ? null : firstOfProcessGroup(pgrp);
            if (member == null || member.session != self.session) throw Errno.EPERM.error();
        }
        if (g.pgrp != pgrp) move(g, pgrp, true);
    }

    /** getpgid: PID 0 is the caller; ESRCH for no such task; the group as the caller sees it (0 if outside its namespace). */
    int getpgid(Task caller, int pid) {
        return named(caller, pid).group.pgrp.nr(caller.activePidNs());
    }

    /** getsid: as getpgid, for the session. */
    int getsid(Task caller, int pid) {
        return named(caller, pid).group.session.nr(caller.activePidNs());
    }

    private Task named(Task caller, int pid) {
        if (pid == 0) return caller;
        Task t = pid > 0 ? tasks.lookup(caller.activePidNs(), pid) : null;
        if (t == null) throw Errno.ESRCH.error();
        return t;
    }

    /** change_pid of {@code g}'s PIDTYPE_PGID (or PIDTYPE_SID) to {@code to}. */
    private void move(ThreadGroup g, Pid to, boolean pgrp) {
        Pid from = pgrp ? g.pgrp : g.session;
        to.link();
        if (pgrp) g.pgrp = to;
        else g.session = to;
        tasks.exit.unlink(from);
    }

    /** pid_task(pid, PIDTYPE_PGID) != NULL: some process not yet reaped is in the group. */
    private boolean hasProcessGroup(Pid pgrp) {
        return firstOfProcessGroup(pgrp) != null;
    }

    private ThreadGroup firstOfProcessGroup(Pid pgrp) {
        Task named = tasks.taskOf(pgrp);
        if (named != null && named.group.pgrp == pgrp && !named.group.reaped) return named.group;
        for (int nr = tasks.rootPidNs.nextAllocated(1); nr > 0; nr = tasks.rootPidNs.nextAllocated(nr + 1)) {
            Task t = tasks.lookup(tasks.rootPidNs, nr);
            if (t != null && t.isLeader() && t.group.pgrp == pgrp && !t.group.reaped) return t.group;
        }
        return null;
    }
}
