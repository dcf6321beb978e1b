package procsim.task;

import static procsim.abi.CloneFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.abi.TaskFlags;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.ipc.IpcNamespace;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * Every task and the process lifecycle: copy_process (kernel/fork.c), do_exit / exit_notify /
 * release_task (kernel/exit.c), de_thread (fs/exec.c), wait4, kill, unshare and setuid.
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
    private ProcessHooks hooks = new ProcessHooks() { };

    /** What other kernel parts do when a process forks, or loses its memory (exit, execve). */
    public interface ProcessHooks {
        default void forked(ThreadGroup parent, ThreadGroup child) {
        }

        default void mmReleased(ThreadGroup group, Task last) {
        }
    }

    public void setHooks(ProcessHooks hooks) {
        this.hooks = hooks;
    }

    /** Boots: init, pid 1 of the root namespace, uid 0 with every capability, fds 0-2 on /dev/console. */
    /** How a blocking syscall waits: releases the kernel lock until a change (or EINTR). */
    @FunctionalInterface
    public interface Blocker {
        void block() throws InterruptedException;
    }

    public TaskSet(int pidMax, Blocker block, Runnable wake, LongSupplier ticks) {
        this.rootPidNs = PidNamespace.root(pidMax);
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
        t.pid.setOwner(t);
        g.leader = t;
        g.threads.add(t);
        g.liveThreads = 1;
        g.pgrp = t.pid;
        g.session = t.pid;
        g.exitSignal = Signals.SIGCHLD;
        g.argv = List.of("/sbin/init"); // init/main.c run_init_process
        rootPidNs.setChildReaper(g);
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
        return pid == null ? null : (Task) pid.owner();
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
        pid.setOwner(t);
        t.lastResult = "0"; // fork returns 0 in the child
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
        adopt((flags & CLONE_PARENT) != 0 ? cg.parent : cg, g);
        if (pid.innermost() == 1) childNs.setChildReaper(g);
        hooks.forked(cg, g);
        return t;
    }

    private void adopt(ThreadGroup parent, ThreadGroup child) {
        child.parent = parent;
        child.seqInParent = childSeq++;
        parent.addChild(child);
        if (child.zombie) parent.zombieChildren.put(child.seqInParent, child);
    }

    // ---------------------------------------------------------------- exit

    /**
     * exit(2): this thread ends; the group ends with its last thread.
     * Deviation: the global init's exit is EPERM (Linux panics; the lab stays usable).
     */
    public void exitThread(Task t, int code) {
        refuseGlobalInitExit(t, false);
        // wait_task_zombie reports the leader's exit_code unless the whole group was told to exit
        if (!t.group.exiting && t.isLeader()) t.group.exitStatus = (code & 0xff) << 8;
        doExit(t);
    }

    /** exit_group(2): every thread of the group ends with this code. */
    public void exitGroup(Task t, int code) {
        refuseGlobalInitExit(t, true);
        killGroup(t.group, (code & 0xff) << 8);
    }

    private void refuseGlobalInitExit(Task t, boolean wholeGroup) {
        if (t.group == rootPidNs.childReaper() && (wholeGroup || t.group.liveThreads == 1)) {
            throw Errno.EPERM.error();
        }
    }

    private void killGroup(ThreadGroup g, int status) {
        if (g.exiting) return;
        g.exiting = true;
        g.exitStatus = status;
        for (Task th : new ArrayList<>(g.threads)) {
            if (!th.exited) doExit(th);
        }
    }

    private void doExit(Task t) {
        ThreadGroup g = t.group;
        t.exited = true;
        t.nextSyscallData = null;
        t.files = null;
        g.liveThreads--;
        if (g.liveThreads == 0) {
            exitNotify(g);
        } else if (!t.isLeader()) {
            releaseThread(t);
        }
        wake.run();
    }

    /** A non-leader thread is reaped at once (exit_signal -1, autoreap). */
    private void releaseThread(Task t) {
        t.group.threads.remove(t);
        PidNamespace.free(t.pid);
    }

    /** exit_notify: children go to the reaper, the group becomes a zombie of its parent. */
    private void exitNotify(ThreadGroup g) {
        hooks.mmReleased(g, g.leader);
        for (Task th : new ArrayList<>(g.threads)) {
            if (th != g.leader) releaseThread(th);
        }
        if (g.isChildReaper()) zapPidNamespace(g);
        if (g.firstChild != null) {
            ThreadGroup reaper = findReaper(g);
            for (ThreadGroup c : g.children()) {
                g.removeChild(c);
                g.zombieChildren.remove(c.seqInParent);
                c.exitSignal = Signals.SIGCHLD; // reparent_leader: "We don't want people slaying init."
                adopt(reaper, c);
            }
        }
        g.zombie = true;
        if (g.parent != null) g.parent.zombieChildren.put(g.seqInParent, g);
    }

    /** find_new_reaper: the child reaper of the exiting group's namespace, else the next one out. */
    private ThreadGroup findReaper(ThreadGroup g) {
        for (PidNamespace ns = g.activePidNs(); ns != null; ns = ns.parent()) {
            ThreadGroup r = (ThreadGroup) ns.childReaper();
            if (r != null && r != g && !r.zombie) return r;
        }
        return (ThreadGroup) rootPidNs.childReaper();
    }

    /**
     * zap_pid_ns_processes: no more pids, SIGKILL to every task numbered 2 and up, and init reaps
     * what it can. Deviation: init does not wait for tasks whose parent is outside the namespace
     * (after unshare or setns); they stay zombies of that parent.
     */
    private void zapPidNamespace(ThreadGroup init) {
        PidNamespace ns = init.activePidNs();
        ns.disableAllocation();
        List<ThreadGroup> victims = new ArrayList<>();
        for (int nr = ns.nextAllocated(2); nr > 0; nr = ns.nextAllocated(nr + 1)) {
            Task t = (Task) ns.lookup(nr).owner();
            if (t.isLeader() && t.group != init) victims.add(t.group);
        }
        for (ThreadGroup v : victims) killGroup(v, Signals.SIGKILL);
        for (ThreadGroup v : victims) {
            if (v.zombie && !v.reaped && v.parent.leader.pid.visibleIn(ns)) release(v);
        }
    }

    /** release_task of a reaped zombie group: its pid numbers are free again. */
    private void release(ThreadGroup g) {
        g.reaped = true;
        if (g.parent != null) {
            g.parent.removeChild(g);
            g.parent.zombieChildren.remove(g.seqInParent);
        }
        for (Task th : g.threads) PidNamespace.free(th.pid);
        g.threads.clear();
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
     * <-1 process group -pid; only children whose exit signal is SIGCHLD unless __WCLONE/__WALL.
     * ECHILD without an eligible child; blocks (interruptibly: EINTR) until one is a zombie.
     */
    public WaitResult wait4(Task caller, int pid, int options) throws InterruptedException {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
            throw Errno.EINVAL.error();
        }
        PidNamespace ns = caller.activePidNs();
        while (true) {
            if (caller.exited) throw Errno.EINTR.error();
            ThreadGroup g = caller.group;
            boolean any = false;
            ThreadGroup found = null;
            if (pid == -1) {
                for (ThreadGroup z : g.zombieChildren.values()) {
                    if (eligibleBySignal(z, options)) {
                        found = z;
                        break;
                    }
                }
                if (found == null) {
                    for (ThreadGroup c = g.firstChild; c != null; c = c.nextSibling) {
                        if (eligibleBySignal(c, options)) {
                            any = true;
                            break;
                        }
                    }
                }
            } else if (pid > 0) {
                Task t = lookup(ns, pid);
                ThreadGroup c = t == null ? null : t.group;
                if (c != null && t.isLeader() && c.parent == g && eligibleBySignal(c, options)) {
                    any = true;
                    if (c.zombie) found = c;
                }
            } else {
                for (ThreadGroup c = g.firstChild; c != null; c = c.nextSibling) {
                    if (!eligibleByPgrp(c, pid, caller, ns) || !eligibleBySignal(c, options)) continue;
                    any = true;
                    if (c.zombie) {
                        found = c;
                        break;
                    }
                }
            }
            if (found != null) {
                int nr = found.leader.pid.nr(ns);
                int status = found.exitStatus;
                release(found);
                return new WaitResult(nr, status);
            }
            if (!any) throw Errno.ECHILD.error();
            if ((options & WNOHANG) != 0) return new WaitResult(0, 0);
            block.block();
        }
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
            if (th == t || th == g.leader) continue;
            th.exited = true;
            th.nextSyscallData = null;
            th.files = null;
            g.liveThreads--;
            releaseThread(th);
        }
        if (!t.isLeader()) {
            Task old = g.leader;
            Pid leaderPid = old.pid;
            Pid mine = t.pid;
            t.pid = leaderPid;
            leaderPid.setOwner(t);
            old.pid = mine;
            mine.setOwner(old);
            g.leader = t;
            g.threads.remove(t);
            g.threads.add(0, t);
            if (!old.exited) {
                old.exited = true;
                old.files = null;
                g.liveThreads--;
            }
            releaseThread(old);
        }
        hooks.mmReleased(g, t);
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
     * kill(pid, sig) for the signals procsim models: 0 checks, SIGCHLD-like are ignored, stop
     * signals are ignored (Deviation: no job control), every other signal kills the group.
     * A namespace's init ignores signals from inside it and dies only of SIGKILL from outside.
     */
    public void kill(Task caller, int pid, int sig) {
        if (sig < 0 || sig > Signals.NSIG) throw Errno.EINVAL.error();
        PidNamespace ns = caller.activePidNs();
        List<ThreadGroup> targets = new ArrayList<>();
        if (pid > 0) {
            Task t = lookup(ns, pid);
            if (t == null) throw Errno.ESRCH.error();
            targets.add(t.group);
        } else {
            for (int nr = ns.nextAllocated(1); nr > 0; nr = ns.nextAllocated(nr + 1)) {
                Task t = (Task) ns.lookup(nr).owner();
                if (!t.isLeader()) continue;
                ThreadGroup g = t.group;
                boolean match = pid == -1
                        ? g != caller.group && !(nr == 1)
                        : pid == 0 ? g.pgrp == caller.group.pgrp : g.pgrp.nr(ns) == -pid;
                if (match) targets.add(g);
            }
            if (targets.isEmpty()) throw Errno.ESRCH.error();
        }
        int permitted = 0;
        for (ThreadGroup g : targets) {
            if (!mayKill(caller, g.leader.creds)) continue;
            permitted++;
            deliver(caller, g, sig);
        }
        if (permitted == 0) throw Errno.EPERM.error();
    }

    /** kill_ok_by_cred: a matching uid first, CAP_KILL (ns_capable) only without one. */
    private static boolean mayKill(Task sender, Credentials t) {
        Credentials s = sender.creds;
        return s.euid() == t.suid() || s.euid() == t.uid() || s.uid() == t.suid() || s.uid() == t.uid()
                || sender.capable(Capability.CAP_KILL);
    }

    private void deliver(Task sender, ThreadGroup g, int sig) {
        if (sig == 0 || g.zombie || Signals.ignoredByDefault(sig) || Signals.stopsByDefault(sig)) return;
        if (g.isChildReaper()) {
            boolean fromAncestor = !g.activePidNs().isAncestorOf(sender.activePidNs());
            if (!(fromAncestor && sig == Signals.SIGKILL)) return;
        }
        killGroup(g, sig);
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
