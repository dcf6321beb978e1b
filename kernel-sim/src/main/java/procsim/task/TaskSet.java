package procsim.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import procsim.abi.Signals;
import procsim.fd.FdTable;
import procsim.fd.OpenFile;
import procsim.ipc.IpcNamespace;
import procsim.ipc.Shm;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;

/**
 * Every task: the pid-to-task table, the pid namespaces and their child reapers, the task tree,
 * and the process lifecycle's entry points, each made in a file of its own as gVisor splits its
 * kernel package (task_clone.go, task_exit.go, ...): {@link TaskClone}, {@link TaskExit},
 * {@link TaskWait}, {@link TaskExec}, {@link TaskSignals}, {@link TaskUnshare}, {@link TaskCreds},
 * {@link TaskSession}.
 * Callers hold the kernel's write lock; {@link #wait4} waits on its condition.
 */
public final class TaskSet {
    /** First dynamic nsfs inode number (fs/nsfs.c, proc_alloc_inum). */
    private static final long FIRST_DYNAMIC_INUM = 0xF0000000L;

    final PidNamespace rootPidNs;
    final Task init;
    final Blocker block;
    final Runnable wake;
    final LongSupplier ticks;
    /** What a process's mm holds of SysV IPC: its shm attaches, copied by fork and closed by exit and exec. */
    final Shm shm;
    final TaskClone clone = new TaskClone(this);
    final TaskExit exit = new TaskExit(this);
    final TaskWait wait = new TaskWait(this);
    final TaskExec exec = new TaskExec(this);
    final TaskSignals signals = new TaskSignals(this);
    final TaskUnshare unshare = new TaskUnshare(this);
    final TaskSession session = new TaskSession(this);

    // guarded by the kernel lock
    long nextInum = FIRST_DYNAMIC_INUM;
    private long childSeq;
    private final List<PidNamespace> pidNamespaces = new ArrayList<>();
    /** pid_task: each live pid's task, by the pid's number in the root namespace (unique among live pids). */
    Task[] byRootNr = new Task[64];
    /** pid_namespace.child_reaper: each namespace's init process, kept after it dies (as Linux keeps it). */
    final Map<PidNamespace, ThreadGroup> childReapers = new IdentityHashMap<>();
    final List<Consumer<Task>> releaseListeners = new ArrayList<>();

    /** How a blocking syscall waits: releases the kernel lock until a change (or EINTR). */
    @FunctionalInterface
    public interface Blocker {
        void block() throws InterruptedException;
    }

    /** Boots: init, pid 1 of the root namespace, uid 0 with every capability, fds 0-2 on /dev/console. */
    public TaskSet(int pidMax, Shm shm, Blocker block, Runnable wake, LongSupplier ticks) {
        this.rootPidNs = PidNamespace.root(pidMax);
        this.shm = shm;
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
        liveTasks = 1;
        g.leader = t;
        g.threads.add(t);
        g.liveThreads = 1;
        g.pgrp = t.pid;
        g.session = t.pid;
        g.sessionLeader = true; // an init's setsid, as systemd's: ps shows pid 1 as its own session
        t.pid.addGroupMember(t.pid);
        t.pid.link();
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
    void register(PidNamespace ns) {
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

    /** nr_threads: tasks not yet released (a number a process group holds is no task). */
    int liveTasks;

    /** nr_threads: the tasks not yet released, zombies included. Callers hold the kernel lock. */
    public int liveTasks() {
        return liveTasks;
    }

    /** attach_pid: {@code pid} names {@code t}. */
    void attach(Pid pid, Task t) {
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

    void setChildReaper(PidNamespace ns, ThreadGroup g) {
        childReapers.put(ns, g);
        ns.setHasChildReaper();
        g.childReaper = true;
    }

    /** The task tree: {@code child} becomes a child of {@code parent}, made by {@code parentThread}. */
    void adopt(ThreadGroup parent, Task parentThread, ThreadGroup child) {
        child.parent = parent;
        child.parentThread = parentThread;
        child.seqInParent = childSeq++;
        parent.addChild(child);
        if (child.zombie) exit.notifyParent(child);
    }

    // ---------------------------------------------------------------- the syscalls, one file each

    /** {@link TaskClone#clone}. */
    public Task clone(Task caller, CloneArgs args) {
        return clone.clone(caller, args);
    }

    /** {@link TaskExit#exitThread}. */
    public void exitThread(Task t, int code) {
        exit.exitThread(t, code);
    }

    /** {@link TaskExit#exitGroup}. */
    public void exitGroup(Task t, int code) {
        exit.exitGroup(t, code);
    }

    /** {@link TaskExit#setChildSubreaper}. */
    public void setChildSubreaper(Task t, long arg2) {
        exit.setChildSubreaper(t, arg2);
    }

    /** {@link TaskWait#wait4}: blocks on the kernel lock's condition. */
    public TaskWait.WaitResult wait4(Task caller, int pid, int options) throws InterruptedException {
        return wait.wait4(caller, pid, options);
    }

    /** {@link TaskSession#setsid}. */
    public int setsid(Task caller) {
        return session.setsid(caller);
    }

    /** {@link TaskSession#setpgid}. */
    public void setpgid(Task caller, int pid, int pgid) {
        session.setpgid(caller, pid, pgid);
    }

    /** {@link TaskSession#getpgid}. */
    public int getpgid(Task caller, int pid) {
        return session.getpgid(caller, pid);
    }

    /** {@link TaskSession#getsid}. */
    public int getsid(Task caller, int pid) {
        return session.getsid(caller, pid);
    }

    /** {@link TaskExec#execve}. */
    public void execve(Task t, String path, List<String> argv) {
        exec.execve(t, path, argv);
    }

    /** {@link TaskSignals#killOrphanedProcessGroup}: the exit path's kill_orphaned_pgrp. */
    void killOrphanedProcessGroup(ThreadGroup g, ThreadGroup oldParent) {
        signals.killOrphanedProcessGroup(g, oldParent);
    }

    /** {@link TaskSignals#deliver}: how the exit path (do_notify_parent) signals a parent. */
    void deliverSignal(ThreadGroup g, Task thread, int sig, boolean force) {
        signals.deliver(g, thread, sig, force, false);
    }

    /** {@link TaskSignals#sigaction}. */
    public SignalHandlers.Action sigaction(Task caller, int sig, Long handler, long flags) {
        return signals.sigaction(caller, sig, handler, flags);
    }

    /** {@link TaskSignals#sigprocmask}. */
    public long sigprocmask(Task caller, int how, Long set) {
        return signals.sigprocmask(caller, how, set);
    }

    /** {@link TaskSignals#sigtimedwait}: blocks on the kernel lock's condition. */
    public int sigtimedwait(Task caller, long set, boolean wait) throws InterruptedException {
        return signals.sigtimedwait(caller, set, wait);
    }

    /** {@link TaskSignals#tgkill}. */
    public void tgkill(Task caller, int tgid, int tid, int sig) {
        signals.tgkill(caller, tgid, tid, sig);
    }

    /** {@link TaskSignals#kill}. */
    public void kill(Task caller, int pid, int sig) {
        signals.kill(caller, pid, sig);
    }

    /** {@link TaskUnshare#unshare}. */
    public void unshare(Task t, long flags) {
        unshare.unshare(t, flags);
    }

    /** {@link TaskCreds#setComm}. */
    public void setComm(Task t, String text) {
        TaskCreds.setComm(t, text);
    }

    /** {@link TaskCreds#setuid}. */
    public void setuid(Task t, long uid) {
        TaskCreds.setuid(t, uid);
    }
}
