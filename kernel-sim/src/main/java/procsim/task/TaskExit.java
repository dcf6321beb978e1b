package procsim.task;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.abi.TaskFlags;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * exit(2) and exit_group(2), fatal signals' group exit, and what follows (kernel/exit.c): do_exit,
 * exit_notify with reparenting to the nearest child subreaper or namespace init (and
 * prctl(PR_SET_CHILD_SUBREAPER), which marks one), zap_pid_ns_processes, and release_task.
 * Callers hold the kernel's write lock.
 */
final class TaskExit {
    private final TaskSet tasks;

    TaskExit(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * exit(2): this thread ends; the group ends with its last thread.
     * Deviation: the global init's exit is EPERM (Linux panics; the lab stays usable).
     */
    void exitThread(Task t, int code) {
        refuseGlobalInitExit(t, false);
        int status = (code & 0xff) << 8;
        // synchronize_group_exit: the last thread out sets SIGNAL_GROUP_EXIT and group_exit_code
        if (!t.group.exiting && t.group.liveThreads == 1) groupExit(t.group, status);
        doExit(t, status);
    }

    /** exit_group(2): every thread of the group ends with this code. */
    void exitGroup(Task t, int code) {
        refuseGlobalInitExit(t, true);
        killGroup(t.group, (code & 0xff) << 8);
    }

    private void refuseGlobalInitExit(Task t, boolean wholeGroup) {
        if (t.group == tasks.init.group && (wholeGroup || t.group.liveThreads == 1)) {
            throw Errno.EPERM.error();
        }
    }

    /**
     * do_group_exit, or a fatal signal: every live thread exits with {@code status}. A group
     * already exiting (SIGNAL_GROUP_EXIT) is left alone: zap_pid_ns_processes skips it, and
     * prepare_signal drops what is sent to it, so its status stays.
     */
    void killGroup(ThreadGroup g, int status) {
        if (g.exiting) return;
        groupExit(g, status);
        if (deferred != null) {
            deferred.add(g);
            return;
        }
        exitThreads(g, status);
    }

    private void exitThreads(ThreadGroup g, int status) {
        for (Task th : new ArrayList<>(g.threads)) {
            if (!th.exited) doExit(th, status);
        }
    }

    /** Groups {@link #killGroup} has marked exiting in {@link #killAll}, whose threads exit after; else null. */
    private List<ThreadGroup> deferred;

    /**
     * Runs {@code sends}, which may kill many groups (kill -1, kill -PGRP, a namespace's zap), as
     * Linux does under tasklist_lock: every group a signal kills is marked exiting
     * (SIGNAL_GROUP_EXIT) before any thread exits, so one victim's exit signal to another victim
     * is dropped and cannot change the status its own signal gives it.
     */
    void killAll(Runnable sends) {
        if (deferred != null) {
            sends.run();
            return;
        }
        List<ThreadGroup> marked = new ArrayList<>();
        deferred = marked;
        try {
            sends.run();
        } finally {
            deferred = null;
            for (ThreadGroup g : marked) exitThreads(g, g.exitStatus);
        }
    }

    /** signal->flags = SIGNAL_GROUP_EXIT, group_exit_code = status: ends a stop and its reports. */
    private static void groupExit(ThreadGroup g, int status) {
        g.exiting = true;
        g.exitStatus = status;
        g.stopped = false;
        g.stopCode = 0;
        g.continued = false;
        g.flushPending(-1L);
    }

    /** do_exit(code) of one thread: {@code code} is its task->exit_code. */
    void doExit(Task t, int code) {
        ThreadGroup g = t.group;
        t.exited = true;
        t.flags |= TaskFlags.PF_EXITING; // exit_signals
        t.exitCode = code;
        t.pendingSignals = 0; // flush_sigqueue(&tsk->pending) as it is released
        t.nextSyscallData = null;
        t.files = null;
        g.liveThreads--;
        if (g.liveThreads == 0) {
            exitNotify(g, t);
        } else {
            Task heir = aliveThread(g);
            for (ThreadGroup c = g.firstChild; c != null; c = c.nextSibling) {
                if (c.parentThread == t) c.parentThread = heir; // find_new_reaper: a live thread first
            }
            if (!t.isLeader()) releaseThread(t);
        }
        tasks.wake.run();
    }

    /** find_alive_thread: the first thread of the group not exiting, else its leader. */
    private static Task aliveThread(ThreadGroup g) {
        for (Task th : g.threads) {
            if (!th.exited) return th;
        }
        return g.leader;
    }

    /** A non-leader thread is reaped at once (exit_signal -1, autoreap). */
    void releaseThread(Task t) {
        t.group.threads.remove(t);
        freePid(t.pid);
    }

    /**
     * exit_notify of the group's last thread {@code last}: a namespace init first kills its
     * namespace and waits for it to empty (zap_pid_ns_processes); then children go to the reaper
     * and the group becomes a zombie of its parent.
     */
    private void exitNotify(ThreadGroup g, Task last) {
        releaseMm(g, g.leader);
        boolean reaper = g.isChildReaper();
        for (Task th : new ArrayList<>(g.threads)) {
            if (th != g.leader && !(reaper && th == last)) releaseThread(th);
        }
        if (reaper) {
            if (zapPidNamespace(g, last)) return;
            if (!last.isLeader()) releaseThread(last);
        }
        forgetOriginalParent(g);
    }

    /** exit_mm or exec_mmap: the mm's shm attaches are closed in {@code last}'s IPC namespace. */
    void releaseMm(ThreadGroup g, Task last) {
        tasks.shm.exitMm(g.shm, g.tgidPid(), last.ipcNs());
        g.shm = null;
    }

    /** forget_original_parent + the zombie's notice to its parent (the rest of exit_notify). */
    private void forgetOriginalParent(ThreadGroup g) {
        if (g.firstChild != null) {
            ThreadGroup reaper = findReaper(g);
            Task thread = aliveThread(reaper);
            for (ThreadGroup c : g.children()) {
                g.removeChild(c);
                g.zombieChildren.remove(c.seqInParent);
                c.exitSignal = Signals.SIGCHLD; // reparent_leader: "We don't want people slaying init."
                tasks.adopt(reaper, thread, c);
                tasks.killOrphanedProcessGroup(c, g);
            }
        }
        tasks.killOrphanedProcessGroup(g, null);
        g.zombie = true;
        if (g.parent != null) notifyParent(g);
    }

    /**
     * find_new_reaper: the nearest ancestor at the exiting group's pid level that is a child
     * subreaper with a live thread, else the child reaper of its namespace (else the next one out).
     */
    private ThreadGroup findReaper(ThreadGroup g) {
        int level = g.leader.pid.level();
        for (ThreadGroup r = g.parent; r != null && r.leader.pid.level() == level; r = r.parent) {
            if (r.childSubreaper && r.liveThreads > 0) return r;
        }
        for (PidNamespace ns = g.activePidNs(); ns != null; ns = ns.parent()) {
            ThreadGroup r = tasks.childReapers.get(ns);
            if (r != null && r != g && !r.zombie) return r;
        }
        return tasks.init.group;
    }

    /**
     * zap_pid_ns_processes: no more pids, SIGCHLD ignored (so every child is reaped at once),
     * SIGKILL to every task numbered 2 and up; then init sleeps until the namespace holds no pid
     * but its own: tasks whose parent is outside (unshare + fork) wait for that parent to reap
     * them. Returns true while it waits; {@link #freePid} ends the wait.
     */
    private boolean zapPidNamespace(ThreadGroup init, Task waiter) {
        PidNamespace ns = init.activePidNs();
        ns.disableAllocation();
        init.zapping = true;
        List<ThreadGroup> victims = new ArrayList<>();
        for (int nr = ns.nextAllocated(2); nr > 0; nr = ns.nextAllocated(nr + 1)) {
            Task t = tasks.lookup(ns, nr); // null: a number a process group or session holds
            if (t != null && t.isLeader() && t.group != init) victims.add(t.group);
        }
        // zap_pid_ns_processes: SIGCHLD ignored (status shows it), then SIGKILL to every victim at once
        init.sighand.set(Signals.SIGCHLD, SignalHandlers.SIG_IGN, init.sighand.flags(Signals.SIGCHLD));
        killAll(() -> {
            for (ThreadGroup v : victims) killGroup(v, Signals.SIGKILL);
        });
        for (ThreadGroup c : init.children()) {
            if (c.zombie) release(c); // the kernel_wait4(-1, __WALL) loop
        }
        if (ns.allocatedCount() <= pidsOfZapWaiter(waiter)) return false;
        init.zapWaiter = waiter;
        return true;
    }

    /** init_pids of zap_pid_ns_processes: the waiter's pid, and the zombie leader's if it is not one. */
    private static int pidsOfZapWaiter(Task waiter) {
        return waiter.isLeader() ? 1 : 2;
    }

    /** __unhash_process's detach_pid(PIDTYPE_PID): the task is gone; its numbers too unless a process group or session holds them. */
    private void freePid(Pid pid) {
        Task released = tasks.byRootNr[pid.numberAtLevel(0)];
        tasks.byRootNr[pid.numberAtLevel(0)] = null;
        tasks.liveTasks--;
        for (Consumer<Task> l : tasks.releaseListeners) l.accept(released);
        unlink(pid);
    }

    /** detach_pid of one link of {@code pid}; at the last, free_pid. */
    void unlink(Pid pid) {
        if (pid.unlink()) freeNumbers(pid);
    }

    /** detach_pid(PIDTYPE_PGID) of a process from group {@code pgrp}; at the last link, free_pid. */
    void leaveProcessGroup(Pid pgrp) {
        if (pgrp.removeGroupMember()) freeNumbers(pgrp);
    }

    /** free_pid: the numbers are free again; a namespace init waiting for its last task wakes up. */
    private void freeNumbers(Pid pid) {
        PidNamespace.free(pid);
        for (int l = pid.level(); l >= 0; l--) {
            PidNamespace ns = pid.namespaceAtLevel(l);
            ThreadGroup nsInit = tasks.childReapers.get(ns);
            if (nsInit != null && nsInit.zapWaiter != null
                    && ns.allocatedCount() <= pidsOfZapWaiter(nsInit.zapWaiter)) {
                Task waiter = nsInit.zapWaiter;
                nsInit.zapWaiter = null;
                if (!waiter.isLeader()) releaseThread(waiter);
                forgetOriginalParent(nsInit);
                tasks.wake.run();
            }
        }
    }

    /** release_task of a reaped zombie group: its pid numbers are free again. */
    void release(ThreadGroup g) {
        g.reaped = true;
        if (g.parent != null) {
            g.parent.removeChild(g);
            g.parent.zombieChildren.remove(g.seqInParent);
        }
        List<Task> threads = new ArrayList<>(g.threads);
        g.threads.clear();
        for (Task th : threads) freePid(th.pid);
        leaveProcessGroup(g.pgrp); // the leader's detach_pid(PIDTYPE_PGID, PIDTYPE_SID)
        unlink(g.session);
    }

    /**
     * do_notify_parent for a group now a zombie: its exit signal goes to the parent (SIGCHLD
     * instead if the parent thread exec'd since the fork: parent_exec_id); a parent whose SIGCHLD
     * is SIG_IGN (then no signal is sent) or has SA_NOCLDWAIT reaps a SIGCHLD child at once, as
     * does a namespace init emptying its namespace. The child is the parent's zombie before the
     * signal acts, so a parent the signal kills hands it on to its reaper.
     */
    void notifyParent(ThreadGroup child) {
        ThreadGroup parent = child.parent;
        int sig = child.exitSignal;
        if (sig != Signals.SIGCHLD && child.parentExecId != child.parentThread.selfExecId) sig = Signals.SIGCHLD;
        SignalHandlers psig = parent.sighand;
        boolean autoreap = parent.zapping;
        if (sig == Signals.SIGCHLD && (psig.handler(sig) == SignalHandlers.SIG_IGN
                || (psig.flags(sig) & Signals.SA_NOCLDWAIT) != 0)) {
            autoreap = true;
            if (psig.handler(sig) == SignalHandlers.SIG_IGN) sig = 0;
        }
        if (autoreap) release(child);
        else parent.zombieChildren.put(child.seqInParent, child);
        if (sig > 0 && sig <= Signals.NSIG) tasks.deliverSignal(parent, child.parentThread, sig, false);
    }

    /** prctl(PR_SET_CHILD_SUBREAPER, arg2): signal->is_child_subreaper = !!arg2 (kernel/sys.c). */
    void setChildSubreaper(Task t, long arg2) {
        t.group.childSubreaper = arg2 != 0;
    }
}
