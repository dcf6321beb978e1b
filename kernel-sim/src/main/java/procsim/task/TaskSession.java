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
        if (g.sessionLeader || sid.namesProcessGroup()) throw Errno.EPERM.error();
        g.sessionLeader = true;
        moveSession(g, sid);
        movePgrp(g, sid);
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
            if (pgrp == null || !pgrp.namesProcessGroup() || pgrp.groupSession() != self.session) throw Errno.EPERM.error();
        }
        if (g.pgrp != pgrp) movePgrp(g, pgrp);
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

    /** change_pid of {@code g}'s PIDTYPE_PGID to {@code to} (in {@code g}'s session). */
    private void movePgrp(ThreadGroup g, Pid to) {
        Pid from = g.pgrp;
        to.addGroupMember(g.session);
        g.pgrp = to;
        tasks.exit.leaveProcessGroup(from);
    }

    /** change_pid of {@code g}'s PIDTYPE_SID to {@code to}. */
    private void moveSession(ThreadGroup g, Pid to) {
        Pid from = g.session;
        to.link();
        g.session = to;
        tasks.exit.unlink(from);
    }
}
