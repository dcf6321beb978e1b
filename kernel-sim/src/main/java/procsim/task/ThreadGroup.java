package procsim.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

import procsim.ipc.ShmAttaches;
import procsim.ipc.ShmMapping;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * A thread group, i.e. a process ({@code struct signal_struct} plus the leader's parent links):
 * its threads, its parent and children, process group and session, exit signal and status, its
 * job-control stop and whether it is a child subreaper.
 * Deviation: children hang off the thread group, each remembering the thread that is its
 * real_parent (what __WNOTHREAD and getppid look at); Linux keeps one children list per thread, so
 * its wait4(-1) looks at the caller's own children first and task/TID/children is per thread.
 */
public final class ThreadGroup {
    // guarded by the kernel lock, all of them
    Task leader;
    final List<Task> threads = new ArrayList<>(1);
    int liveThreads;
    ThreadGroup parent;
    /** The thread of {@link #parent} that is this process's real_parent (the forker, or an heir). */
    Task parentThread;
    long seqInParent;
    /** The children list, intrusive like Linux's list_head: O(1) add and remove, no hashing. */
    ThreadGroup firstChild;
    ThreadGroup lastChild;
    ThreadGroup prevSibling;
    ThreadGroup nextSibling;
    int childCount;
    /** Zombie children by their place in the children list, so wait4(-1) is O(log n). */
    final TreeMap<Long, ThreadGroup> zombieChildren = new TreeMap<>();
    Pid pgrp;
    Pid session;
    /** signal->leader: it called setsid (init counts as having done so); fork does not inherit it. */
    boolean sessionLeader;
    int exitSignal;
    int exitStatus;
    boolean zombie;
    boolean reaped;
    boolean exiting;
    /** The mm's arg area (cmdline): execve's argv, copied by fork, shared by the threads. */
    List<String> argv = List.of();
    /** The mm's shm attaches: null until the first shmat (or a fork that copies some). */
    ShmAttaches shm;
    /** prctl(PR_SET_CHILD_SUBREAPER): signal->is_child_subreaper. */
    boolean childSubreaper;
    /** SIGNAL_STOP_STOPPED: every thread is in a group stop. */
    boolean stopped;
    /** Group stops so far (a semop asleep across one ends with EINTR). */
    long stops;
    /** The stop signal not yet reported to WUNTRACED (group_exit_code while stopped), else 0. */
    int stopCode;
    /** SIGNAL_STOP_CONTINUED: a SIGCONT resumed the group and WCONTINUED has not seen it yet. */
    boolean continued;
    /**
     * shared_pending: signals (bit sig-1) that arrived while the group was stopped, fatal or for a
     * handler; they act once SIGCONT resumes it (no thread dequeues a signal while stopped).
     */
    long pendingSignals;
    /** The signal actions (sighand): shared with the threads, and with CLONE_SIGHAND processes. */
    SignalHandlers sighand = new SignalHandlers();
    /** parent_exec_id: the forking thread's self_exec_id at the fork (do_notify_parent compares it). */
    int parentExecId;
    /**
     * zap_pid_ns_processes is running for this namespace init: SIGCHLD is ignored (every child is
     * reaped at once) and {@link #zapWaiter} sleeps until the namespace has no other pid.
     */
    boolean zapping;
    Task zapWaiter;
    /** The child reaper (init) of its pid namespace. */
    boolean childReaper;

    public Task leader() {
        return leader;
    }

    /** The thread group id as {@code ns} sees it (0 if not visible). */
    public int tgid(PidNamespace ns) {
        return leader.pid.nr(ns);
    }

    public Pid tgidPid() {
        return leader.pid;
    }

    /** Threads in tid order of creation; the leader first (a zombie leader stays listed). */
    public List<Task> threads() {
        return Collections.unmodifiableList(threads);
    }

    public int liveThreads() {
        return liveThreads;
    }

    /** The argv of the last execve (the parent's, if this process never exec'd). */
    public List<String> argv() {
        return argv;
    }

    /** The mm's shm attaches in address order (what /proc/PID/maps shows of them). */
    public List<ShmMapping> shmMappings() {
        return shm == null ? List.of() : shm.mappings();
    }

    public ThreadGroup parent() {
        return parent;
    }

    /** The children in the order they joined (fork or reparenting), as a copy. */
    public List<ThreadGroup> children() {
        List<ThreadGroup> out = new ArrayList<>(childCount);
        for (ThreadGroup c = firstChild; c != null; c = c.nextSibling) out.add(c);
        return out;
    }

    public int childCount() {
        return childCount;
    }

    void addChild(ThreadGroup c) {
        c.prevSibling = lastChild;
        c.nextSibling = null;
        if (lastChild != null) lastChild.nextSibling = c;
        else firstChild = c;
        lastChild = c;
        childCount++;
    }

    void removeChild(ThreadGroup c) {
        if (c.prevSibling != null) c.prevSibling.nextSibling = c.nextSibling;
        else firstChild = c.nextSibling;
        if (c.nextSibling != null) c.nextSibling.prevSibling = c.prevSibling;
        else lastChild = c.prevSibling;
        c.prevSibling = null;
        c.nextSibling = null;
        childCount--;
    }

    public Pid pgrp() {
        return pgrp;
    }

    public Pid session() {
        return session;
    }

    public int exitSignal() {
        return exitSignal;
    }

    /** The thread that is this process's real_parent (null for init). */
    public Task parentThread() {
        return parentThread;
    }

    public boolean isChildSubreaper() {
        return childSubreaper;
    }

    /** The thread of a dying namespace init that waits for its namespace to empty, else null. */
    public Task zapWaiter() {
        return zapWaiter;
    }

    /** The signal actions: status's SigIgn and SigCgt. */
    public SignalHandlers sighand() {
        return sighand;
    }

    /** flush_sigqueue_mask of {@code bits} from the process's pending set and each thread's own. */
    void flushPending(long bits) {
        pendingSignals &= ~bits;
        for (Task t : threads) t.pendingSignals &= ~bits;
    }

    /** The process's pending signals (status's ShdPnd). */
    public long pendingSignals() {
        return pendingSignals;
    }

    /** In a group stop (the threads show T). */
    public boolean isStopped() {
        return stopped;
    }

    public boolean isZombie() {
        return zombie;
    }

    public boolean isReaped() {
        return reaped;
    }

    /** The wait status word: exit code in bits 8-15, or the killing signal in bits 0-6. */
    public int exitStatus() {
        return exitStatus;
    }

    public PidNamespace activePidNs() {
        return leader.pid.namespace();
    }

    /** True if this group is the child reaper (init) of its pid namespace. */
    public boolean isChildReaper() {
        return childReaper;
    }
}
