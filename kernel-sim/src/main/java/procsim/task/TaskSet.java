package procsim.task;

import static procsim.abi.CloneFlags.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.abi.TaskFlags;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.ipc.IpcNamespace;
import procsim.ipc.SysvIpc;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * Every task and the process lifecycle: copy_process (kernel/fork.c), do_exit / exit_notify /
 * release_task (kernel/exit.c), de_thread (fs/exec.c), wait4, kill and job control
 * (kernel/signal.c), unshare, setuid and prctl's child subreaper.
 * Callers hold the kernel's write lock; {@link #wait4} waits on its condition.
 */
public final class TaskSet {
    /** First dynamic nsfs inode number (fs/nsfs.c, proc_alloc_inum). */
    private static final long FIRST_DYNAMIC_INUM = 0xF0000000L;

    private final PidNamespace rootPidNs;
    private final Blocker block;
    private final Runnable wake;
    private final LongSupplier ticks;
    private long nextInum = FIRST_DYNAMIC_INUM;
    private long childSeq;
    private final Task init;
    private final List<PidNamespace> pidNamespaces = new ArrayList<>();
    /** pid_task: each live pid's task, by the pid's number in the root namespace (unique among live pids). */
    private Task[] byRootNr = new Task[64];
    /** pid_namespace.child_reaper: each namespace's init process, kept after it dies (as Linux keeps it). */
    private final Map<PidNamespace, ThreadGroup> childReapers = new IdentityHashMap<>();
    private final List<Consumer<Task>> releaseListeners = new ArrayList<>();
    /** What a process's mm holds of SysV IPC: its shm attaches, copied by fork and closed by exit and exec. */
    private final SysvIpc ipc;

    /** How a blocking syscall waits: releases the kernel lock until a change (or EINTR). */
    @FunctionalInterface
    public interface Blocker {
        void block() throws InterruptedException;
    }

    /** Boots: init, pid 1 of the root namespace, uid 0 with every capability, fds 0-2 on /dev/console. */
    public TaskSet(int pidMax, SysvIpc ipc, Blocker block, Runnable wake, LongSupplier ticks) {
        this.rootPidNs = PidNamespace.root(pidMax);
        this.ipc = ipc;
        this.block = block;
        this.wake = wake;
        this.ticks = ticks;
        Task t = new Task(ticks.getAsLong());
        ThreadGroup g = new ThreadGroup();
        t.group = g;
        t.comm = "init";
        t.creds = Credentials.root();
        t.files = new FdTable();
        OpenFile console = new OpenFile("/dev/console", 2, false);
        for (int fd = 0; fd < 3; fd++) t.files.install(console, false);
        t.pidNsForChildren = rootPidNs;
        t.ipcNs = new IpcNamespace(IpcNamespace.PROC_IPC_INIT_INO);
        t.pid = PidNamespace.alloc(rootPidNs, PidRequest.none());
        attach(t.pid, t);
        g.leader = t;
        g.threads.add(t);
        g.liveThreads = 1;
        g.pgrp = t.pid;
        g.session = t.pid;
        g.exitSignal = Signals.SIGCHLD;
        g.argv = List.of("/sbin/init"); // init/main.c run_init_process
        setChildReaper(rootPidNs, g);
        pidNamespaces.add(rootPidNs);
        this.init = t;
    }

    public PidNamespace rootPidNs() {
        return rootPidNs;
    }

    public Task init() {
        return init;
    }

    /** Dead pid namespaces kept (with their race logs) after their last task is gone. */
    static final int DEAD_NAMESPACES_KEPT = 4;

    /**
     * Registers a new pid namespace; dead ones (init gone, no pid left) beyond the newest
     * {@link #DEAD_NAMESPACES_KEPT} are forgotten, so a long-lived daemon does not grow forever.
     */
    private void register(PidNamespace ns) {
        pidNamespaces.add(ns);
        int dead = 0;
        for (int i = pidNamespaces.size() - 1; i > 0; i--) {
            PidNamespace n = pidNamespaces.get(i);
            if (!n.acceptsNewPids() && n.allocatedCount() == 0 && ++dead > DEAD_NAMESPACES_KEPT) {
                pidNamespaces.remove(i);
                childReapers.remove(n);
            }
        }
    }

    /** The live pid namespaces and the newest dead ones, in creation order (root first). */
    public List<PidNamespace> pidNamespaces() {
        return java.util.Collections.unmodifiableList(pidNamespaces);
    }

    /** The task with number {@code nr} in {@code ns}, or null. */
    public Task lookup(PidNamespace ns, int nr) {
        Pid pid = ns.lookup(nr);
        return pid == null ? null : taskOf(pid);
    }

    /** pid_task(pid, PIDTYPE_PID): the task {@code pid} names, or null once the pid is freed. */
    public Task taskOf(Pid pid) {
        int nr = pid.numberAtLevel(0);
        Task t = nr < byRootNr.length ? byRootNr[nr] : null;
        return t != null && t.pid == pid ? t : null;
    }

    /** attach_pid: {@code pid} names {@code t}. */
    private void attach(Pid pid, Task t) {
        int nr = pid.numberAtLevel(0);
        if (nr >= byRootNr.length) byRootNr = Arrays.copyOf(byRootNr, Math.max(nr + 1, byRootNr.length * 2));
        byRootNr[nr] = t;
    }

    /**
     * Adds {@code listener}, told of each task as release_task frees its pid (where Linux's
     * proc_flush_pid drops the task's /proc entries). It runs under the kernel's write lock, so it
     * must not block. Callers hold the write lock.
     */
    public void onRelease(Consumer<Task> listener) {
        releaseListeners.add(listener);
    }

    /** The child reaper (init process) of {@code ns}, or null if it never had one. */
    public ThreadGroup childReaper(PidNamespace ns) {
        return childReapers.get(ns);
    }

    private void setChildReaper(PidNamespace ns, ThreadGroup g) {
        childReapers.put(ns, g);
        ns.setHasChildReaper();
        g.childReaper = true;
    }

    // ---------------------------------------------------------------- fork

    /**
     * copy_process: the checks in Linux's order, then the new task. Returns the child; the
     * caller's return value is {@code child.pid().nr(caller.activePidNs())}.
     */
    public Task clone(Task caller, CloneArgs args) {
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
            childNs = caller.pidNsForChildren.createChild(nextInum);
        }
        PidRequest request = args.pids().apply(childNs);
        Pid pid = PidNamespace.alloc(childNs, request, caller.pid);
        if (childNs != caller.pidNsForChildren) {
            nextInum++;
            register(childNs);
        }

        Task t = new Task(ticks.getAsLong());
        t.pid = pid;
        attach(pid, t);
        t.comm = caller.comm;
        t.creds = caller.creds;
        t.flags = TaskFlags.PF_FORKNOEXEC; // PF_SUPERPRIV is not inherited
        t.files = (flags & CLONE_FILES) != 0 ? caller.files : caller.files.copy();
        t.pidNsForChildren = childNs;
        t.ipcNs = (flags & CLONE_NEWIPC) != 0 ? new IpcNamespace(nextInum++) : caller.ipcNs;
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
        g.pgrp = cg.pgrp;
        g.session = cg.session;
        g.exitSignal = (flags & CLONE_PARENT) != 0 ? cg.exitSignal : args.exitSignal();
        g.argv = cg.argv; // dup_mm copies the arg area
        if ((flags & CLONE_PARENT) != 0) adopt(cg.parent, cg.parentThread, g);
        else adopt(cg, caller, g);
        if (pid.innermost() == 1) setChildReaper(childNs, g);
        g.shm = ipc.dupMm(cg.shm, g.tgidPid());
        return t;
    }

    private void adopt(ThreadGroup parent, Task parentThread, ThreadGroup child) {
        child.parent = parent;
        child.parentThread = parentThread;
        child.seqInParent = childSeq++;
        parent.addChild(child);
        if (child.zombie) notifyParent(child);
    }

    /** do_notify_parent for a group now a zombie: a parent ignoring SIGCHLD reaps it at once. */
    private void notifyParent(ThreadGroup child) {
        if (child.parent.zapping) release(child);
        else child.parent.zombieChildren.put(child.seqInParent, child);
    }

    // ---------------------------------------------------------------- exit

    /**
     * exit(2): this thread ends; the group ends with its last thread.
     * Deviation: the global init's exit is EPERM (Linux panics; the lab stays usable).
     */
    public void exitThread(Task t, int code) {
        refuseGlobalInitExit(t, false);
        int status = (code & 0xff) << 8;
        // synchronize_group_exit: the last thread out sets SIGNAL_GROUP_EXIT and group_exit_code
        if (!t.group.exiting && t.group.liveThreads == 1) groupExit(t.group, status);
        doExit(t, status);
    }

    /** exit_group(2): every thread of the group ends with this code. */
    public void exitGroup(Task t, int code) {
        refuseGlobalInitExit(t, true);
        killGroup(t.group, (code & 0xff) << 8);
    }

    private void refuseGlobalInitExit(Task t, boolean wholeGroup) {
        if (t.group == init.group && (wholeGroup || t.group.liveThreads == 1)) {
            throw Errno.EPERM.error();
        }
    }

    /**
     * do_group_exit, or a fatal signal: every live thread exits with {@code status}. A group
     * already exiting (SIGNAL_GROUP_EXIT) is left alone: zap_pid_ns_processes skips it, and
     * prepare_signal drops what is sent to it, so its status stays.
     */
    private void killGroup(ThreadGroup g, int status) {
        if (g.exiting) return;
        groupExit(g, status);
        for (Task th : new ArrayList<>(g.threads)) {
            if (!th.exited) doExit(th, status);
        }
    }

    /** signal->flags = SIGNAL_GROUP_EXIT, group_exit_code = status: ends a stop and its reports. */
    private static void groupExit(ThreadGroup g, int status) {
        g.exiting = true;
        g.exitStatus = status;
        g.stopped = false;
        g.stopCode = 0;
        g.continued = false;
        g.pendingFatal = 0;
    }

    /** do_exit(code) of one thread: {@code code} is its task->exit_code. */
    private void doExit(Task t, int code) {
        ThreadGroup g = t.group;
        t.exited = true;
        t.flags |= TaskFlags.PF_EXITING; // exit_signals
        t.exitCode = code;
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
        wake.run();
    }

    /** find_alive_thread: the first thread of the group not exiting, else its leader. */
    private static Task aliveThread(ThreadGroup g) {
        for (Task th : g.threads) {
            if (!th.exited) return th;
        }
        return g.leader;
    }

    /** A non-leader thread is reaped at once (exit_signal -1, autoreap). */
    private void releaseThread(Task t) {
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
    private void releaseMm(ThreadGroup g, Task last) {
        ipc.exitMm(g.shm, g.tgidPid(), last.ipcNs());
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
                adopt(reaper, thread, c);
            }
        }
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
            ThreadGroup r = childReapers.get(ns);
            if (r != null && r != g && !r.zombie) return r;
        }
        return init.group;
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
            Task t = lookup(ns, nr);
            if (t.isLeader() && t.group != init) victims.add(t.group);
        }
        for (ThreadGroup v : victims) killGroup(v, Signals.SIGKILL);
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

    /** free_pid: the numbers are free again; a namespace init waiting for its last task wakes up. */
    private void freePid(Pid pid) {
        PidNamespace.free(pid);
        Task released = byRootNr[pid.numberAtLevel(0)];
        byRootNr[pid.numberAtLevel(0)] = null;
        for (Consumer<Task> l : releaseListeners) l.accept(released);
        for (int l = pid.level(); l >= 0; l--) {
            PidNamespace ns = pid.namespaceAtLevel(l);
            ThreadGroup nsInit = childReapers.get(ns);
            if (nsInit != null && nsInit.zapWaiter != null
                    && ns.allocatedCount() <= pidsOfZapWaiter(nsInit.zapWaiter)) {
                Task waiter = nsInit.zapWaiter;
                nsInit.zapWaiter = null;
                if (!waiter.isLeader()) releaseThread(waiter);
                forgetOriginalParent(nsInit);
                wake.run();
            }
        }
    }

    /** release_task of a reaped zombie group: its pid numbers are free again. */
    private void release(ThreadGroup g) {
        g.reaped = true;
        if (g.parent != null) {
            g.parent.removeChild(g);
            g.parent.zombieChildren.remove(g.seqInParent);
        }
        List<Task> threads = new ArrayList<>(g.threads);
        g.threads.clear();
        for (Task th : threads) freePid(th.pid);
    }

    // ---------------------------------------------------------------- wait

    /** wait4 options (include/uapi/linux/wait.h). */
    public static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WNOTHREAD = 0x20000000,
            WALL = 0x40000000, WCLONE = 0x80000000;
    public static final Map<String, Long> WAIT_OPTION_NAMES = Map.of(
            "WNOHANG", (long) WNOHANG, "WUNTRACED", (long) WUNTRACED, "WCONTINUED", (long) WCONTINUED,
            "__WNOTHREAD", (long) WNOTHREAD, "__WALL", (long) WALL, "__WCLONE", WCLONE & 0xffffffffL);

    /** The outcome of a wait4: the reaped child as the caller sees it, or 0 with WNOHANG. */
    public record WaitResult(int pid, int status) {
    }

    /**
     * wait4(pid, &status, options): -1 any child, >0 that child, 0 the caller's process group,
     * <-1 process group -pid; only children whose exit signal is SIGCHLD unless __WCLONE/__WALL;
     * with __WNOTHREAD only the calling thread's own children. Reports a zombie (reaped), with
     * WUNTRACED a stop ((sig << 8) | 0x7f) and with WCONTINUED a resumption (0xffff), each once.
     * The checks in kernel_wait4's order: options (EINVAL), INT_MIN (ESRCH), then ECHILD without
     * an eligible child; blocks (interruptibly: EINTR) until an event.
     */
    public WaitResult wait4(Task caller, int pid, int options) throws InterruptedException {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
            throw Errno.EINVAL.error();
        }
        if (pid == Integer.MIN_VALUE) throw Errno.ESRCH.error(); // "-INT_MIN is not defined"
        PidNamespace ns = caller.activePidNs();
        boolean exitOnly = (options & (WUNTRACED | WCONTINUED | WNOTHREAD)) == 0;
        while (true) {
            if (caller.exited) throw Errno.EINTR.error();
            ThreadGroup g = caller.group;
            boolean any = false;
            WaitResult found = null;
            if (pid == -1 && exitOnly) {
                for (ThreadGroup z : g.zombieChildren.values()) {
                    if (eligibleBySignal(z, options)) {
                        found = reap(z, ns);
                        break;
                    }
                }
                for (ThreadGroup c = g.firstChild; found == null && c != null && !any; c = c.nextSibling) {
                    any = eligibleBySignal(c, options);
                }
            } else if (pid > 0) {
                Task t = lookup(ns, pid);
                ThreadGroup c = t == null ? null : t.group;
                if (c != null && t.isLeader() && isChildOf(c, caller, options) && eligibleBySignal(c, options)) {
                    any = true;
                    found = consider(c, options, ns);
                }
            } else {
                for (ThreadGroup c = g.firstChild; c != null && found == null; c = c.nextSibling) {
                    if (pid != -1 && !eligibleByPgrp(c, pid, caller, ns)) continue;
                    if (!isChildOf(c, caller, options) || !eligibleBySignal(c, options)) continue;
                    any = true;
                    found = consider(c, options, ns);
                }
            }
            if (found != null) return found;
            if (!any) throw Errno.ECHILD.error();
            if ((options & WNOHANG) != 0) return new WaitResult(0, 0);
            block.block();
        }
    }

    /** wait_consider_task for an eligible child: its exit, else its stop, else its continuation. */
    private WaitResult consider(ThreadGroup c, int options, PidNamespace ns) {
        if (c.zombie) return reap(c, ns);
        if ((options & WUNTRACED) != 0 && c.stopped && c.stopCode != 0) {
            int code = c.stopCode;
            c.stopCode = 0;
            return new WaitResult(c.leader.pid.nr(ns), (code << 8) | 0x7f);
        }
        if ((options & WCONTINUED) != 0 && c.continued) {
            c.continued = false;
            return new WaitResult(c.leader.pid.nr(ns), 0xffff);
        }
        return null;
    }

    private WaitResult reap(ThreadGroup z, PidNamespace ns) {
        int nr = z.leader.pid.nr(ns);
        int status = z.exitStatus;
        release(z);
        return new WaitResult(nr, status);
    }

    /** is_effectively_child: with __WNOTHREAD the caller must be the child's real_parent thread. */
    private static boolean isChildOf(ThreadGroup c, Task caller, int options) {
        return c.parent == caller.group && ((options & WNOTHREAD) == 0 || c.parentThread == caller);
    }

    private static boolean eligibleBySignal(ThreadGroup c, int options) {
        if ((options & WALL) != 0) return true;
        return (c.exitSignal != Signals.SIGCHLD) == ((options & WCLONE) != 0);
    }

    private static boolean eligibleByPgrp(ThreadGroup c, int pid, Task caller, PidNamespace ns) {
        if (pid == 0) return c.pgrp == caller.group.pgrp;
        return c.pgrp.nr(ns) == -pid;
    }

    // ---------------------------------------------------------------- exec

    /**
     * execve: de_thread (other threads gone; a non-leader takes over the leader's pid), the fd
     * table unshared and close-on-exec fds closed, comm from the path's basename,
     * next_syscall_data cleared, {@code argv} the new arg area.
     * Deviation: the sim has no filesystem; any non-empty path executes.
     */
    public void execve(Task t, String path, List<String> argv) {
        if (path.isEmpty()) throw Errno.ENOENT.error();
        ThreadGroup g = t.group;
        for (Task th : new ArrayList<>(g.threads)) {
            if (th != t && !th.exited) doExit(th, 0); // de_thread's zap_other_threads: group_exec_task, code 0
        }
        if (!t.isLeader()) {
            g.exitSignal = Signals.SIGCHLD; // de_thread: tsk->exit_signal = SIGCHLD
            Task old = g.leader;
            Pid leaderPid = old.pid;
            Pid mine = t.pid;
            t.pid = leaderPid;
            attach(leaderPid, t);
            old.pid = mine;
            attach(mine, old);
            g.leader = t;
            g.threads.remove(t);
            g.threads.add(0, t);
            releaseThread(old);
        }
        for (ThreadGroup c = g.firstChild; c != null; c = c.nextSibling) c.parentThread = t; // the only thread left
        releaseMm(g, t);
        t.files = t.files.copy();
        t.files.closeOnExecAll();
        t.comm = commOf(path.substring(path.lastIndexOf('/') + 1));
        g.argv = List.copyOf(argv);
        t.nextSyscallData = null;
        t.flags &= ~TaskFlags.PF_FORKNOEXEC; // begin_new_exec
        t.creds = t.creds.execve();
        wake.run();
    }

    // ---------------------------------------------------------------- signals

    /**
     * kill(pid, sig), kill_something_info's way: pid > 0 is that task's process (ESRCH if none,
     * before the signal is checked); INT_MIN is ESRCH; 0 and -pgid every process of the group (0 if
     * one delivery succeeded, else the last error, ESRCH if none); -1 every process numbered above
     * 1 in the caller's namespace but the caller's (EPERMs are not reported; ESRCH if none).
     * Default actions only: SIGCHLD-like signals are ignored, stop signals stop the group, SIGCONT
     * resumes it, the others kill it (Deviation: no handlers, masks or core dumps).
     */
    public void kill(Task caller, int pid, int sig) {
        PidNamespace ns = caller.activePidNs();
        Errno err;
        if (pid > 0) {
            Task t = lookup(ns, pid);
            if (t == null) throw Errno.ESRCH.error();
            err = groupSendSigInfo(caller, t, sig);
        } else if (pid == Integer.MIN_VALUE) {
            err = Errno.ESRCH; // "-INT_MIN is undefined"
        } else if (pid != -1) {
            Pid pgrp = pid == 0 ? caller.group.pgrp : ns.lookup(-pid);
            err = Errno.ESRCH;
            for (ThreadGroup g : pgrp == null ? List.<ThreadGroup>of() : processGroup(pgrp)) {
                Errno e = groupSendSigInfo(caller, g.leader, sig);
                if (err != null) err = e;
            }
        } else {
            int count = 0;
            err = null;
            for (int nr = ns.nextAllocated(2); nr > 0; nr = ns.nextAllocated(nr + 1)) {
                Task t = lookup(ns, nr);
                if (!t.isLeader() || t.group == caller.group) continue;
                Errno e = groupSendSigInfo(caller, t, sig);
                count++;
                if (e != Errno.EPERM) err = e;
            }
            if (count == 0) err = Errno.ESRCH;
        }
        if (err != null) throw err.error();
    }

    /** The processes (thread groups) of process group {@code pgrp}, in every namespace. */
    private List<ThreadGroup> processGroup(Pid pgrp) {
        List<ThreadGroup> out = new ArrayList<>();
        for (int nr = rootPidNs.nextAllocated(1); nr > 0; nr = rootPidNs.nextAllocated(nr + 1)) {
            Task t = lookup(rootPidNs, nr);
            if (t.isLeader() && t.group.pgrp == pgrp) out.add(t.group);
        }
        return out;
    }

    /**
     * group_send_sig_info to {@code target}'s process: check_kill_permission (an invalid signal is
     * EINVAL; another process needs uids matching the target task's own, as kill_ok_by_cred reads
     * __task_cred(t), or CAP_KILL, or for SIGCONT the same session, else EPERM), then delivery
     * unless sig is 0. Returns the error, or null.
     */
    private Errno groupSendSigInfo(Task sender, Task target, int sig) {
        if (sig < 0 || sig > Signals.NSIG) return Errno.EINVAL;
        ThreadGroup g = target.group;
        if (g != sender.group && !mayKill(sender, target.creds)
                && !(sig == Signals.SIGCONT && g.session == sender.group.session)) {
            return Errno.EPERM;
        }
        if (sig != 0) deliver(sender, g, sig);
        return null;
    }

    /** kill_ok_by_cred: a matching uid first, CAP_KILL (ns_capable) only without one. */
    private static boolean mayKill(Task sender, Credentials t) {
        Credentials s = sender.creds;
        return s.euid() == t.suid() || s.euid() == t.uid() || s.uid() == t.suid() || s.uid() == t.uid()
                || sender.capable(Capability.CAP_KILL);
    }

    /**
     * prepare_signal, then the default action: SIGCONT resumes a stopped group whatever happens to
     * the signal itself; a namespace init (SIGNAL_UNKILLABLE) ignores everything but SIGKILL and
     * SIGSTOP from an ancestor namespace (sig_task_ignored); stop signals stop the group, except
     * SIGTSTP, SIGTTIN and SIGTTOU in an orphaned process group (get_signal); a fatal signal to a
     * stopped group waits for SIGCONT unless it is SIGKILL (complete_signal).
     */
    private void deliver(Task sender, ThreadGroup g, int sig) {
        if (g.zombie || g.exiting) return; // SIGNAL_GROUP_EXIT: the signal is dropped
        if (sig == Signals.SIGCONT && g.stopped) {
            g.stopped = false;
            g.stopCode = 0;
            g.continued = true;
            wake.run();
        }
        boolean fromAncestor = !g.activePidNs().isAncestorOf(sender.activePidNs());
        if (g.isChildReaper() && !(fromAncestor && (sig == Signals.SIGKILL || sig == Signals.SIGSTOP))) return;
        if (Signals.stopsByDefault(sig)) {
            if (sig != Signals.SIGSTOP && orphanedProcessGroup(g.pgrp)) return;
            if (!g.stopped) {
                g.stopped = true;
                g.continued = false;
                g.stopCode = sig;
                wake.run();
            }
        } else if (!Signals.ignoredByDefault(sig)) {
            if (g.stopped && sig != Signals.SIGKILL) g.pendingFatal |= Signals.bit(sig);
            else killGroup(g, sig);
        }
        if (!g.stopped && g.pendingFatal != 0) killGroup(g, Signals.next(g.pendingFatal));
    }

    /**
     * will_become_orphaned_pgrp (kernel/exit.c): no live member has a parent in another process
     * group of the same session (a parent that is the global init does not count).
     */
    private boolean orphanedProcessGroup(Pid pgrp) {
        ThreadGroup globalInit = init.group;
        for (ThreadGroup p : processGroup(pgrp)) {
            if (p.zombie || p.parent == null || p.parent == globalInit) continue;
            if (p.parent.pgrp != pgrp && p.parent.session == p.session) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- prctl

    /** prctl(PR_SET_CHILD_SUBREAPER, arg2): signal->is_child_subreaper = !!arg2 (kernel/sys.c). */
    public void setChildSubreaper(Task t, long arg2) {
        t.group.childSubreaper = arg2 != 0;
    }

    // ---------------------------------------------------------------- unshare, setuid

    private static final long UNSHARE_ALLOWED = CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND
            | CLONE_VM | CLONE_FILES | CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET
            | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWCGROUP | CLONE_NEWTIME;

    /**
     * unshare(2) (kernel/fork.c ksys_unshare): CLONE_NEWPID moves only pid_ns_for_children;
     * CLONE_NEWIPC a fresh IPC namespace; CLONE_FILES a private fd table.
     */
    public void unshare(Task t, long flags) {
        if ((flags & ~UNSHARE_ALLOWED) != 0) throw Errno.EINVAL.error();
        if ((flags & CLONE_NEWUSER) != 0) throw Errno.EINVAL.error(); // Deviation: no user namespaces
        if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) != 0 && t.group.liveThreads > 1) {
            throw Errno.EINVAL.error();
        }
        if ((flags & NS_FLAGS) != 0 && !t.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
        PidNamespace newPidNs = null;
        if ((flags & CLONE_NEWPID) != 0) {
            if (t.pidNsForChildren != t.activePidNs()) throw Errno.EINVAL.error();
            newPidNs = t.pidNsForChildren.createChild(nextInum++);
        }
        if (newPidNs != null) {
            t.pidNsForChildren = newPidNs;
            register(newPidNs);
        }
        if ((flags & CLONE_NEWIPC) != 0) t.ipcNs = new IpcNamespace(nextInum++);
        if ((flags & CLONE_FILES) != 0) t.files = t.files.copy();
    }

    /**
     * A write to /proc/PID/comm (fs/proc/base.c comm_write) or prctl(PR_SET_NAME): the first 15
     * bytes, verbatim, a trailing newline included.
     */
    public void setComm(Task t, String text) {
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
    public void setuid(Task t, long uid) {
        if (uid < 0 || uid >= 0xffffffffL) throw Errno.EINVAL.error();
        t.creds = t.creds.setuid((int) uid, t.capable(Capability.CAP_SETUID));
    }
}
