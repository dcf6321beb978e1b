package procsim.task;

import java.util.ArrayList;
import java.util.List;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * kill(2), rt_sigaction(2), rt_sigprocmask(2) and signal delivery with job control (kernel/signal.c).
 * Callers hold the kernel's write lock.
 */
final class TaskSignals {
    private final TaskSet tasks;

    TaskSignals(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * kill(pid, sig), kill_something_info's way: pid > 0 is that task's process (ESRCH if none,
     * before the signal is checked); INT_MIN is ESRCH; 0 and -pgid every process of the group (0 if
     * one delivery succeeded, else the last error, ESRCH if none); -1 every process numbered above
     * 1 in the caller's namespace but the caller's (EPERMs are not reported; ESRCH if none).
     * See {@link #deliver} for what a signal does (Deviation: no queues, siginfo or core dumps).
     */
    void kill(Task caller, int pid, int sig) {
        Errno[] err = new Errno[1];
        tasks.exit.killAll(() -> err[0] = send(caller, pid, sig));
        if (err[0] != null) throw err[0].error();
    }

    /** kill_something_info's sends: every group a signal kills is only marked exiting until all are sent. */
    private Errno send(Task caller, int pid, int sig) {
        PidNamespace ns = caller.activePidNs();
        Errno err;
        if (pid > 0) {
            Task t = tasks.lookup(ns, pid);
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
                Task t = tasks.lookup(ns, nr);
                if (t == null || !t.isLeader() || t.group == caller.group) continue; // null: a group's number
                Errno e = groupSendSigInfo(caller, t, sig);
                count++;
                if (e != Errno.EPERM) err = e;
            }
            if (count == 0) err = Errno.ESRCH;
        }
        return err;
    }

    /** The processes (thread groups) of process group {@code pgrp}, in every namespace. */
    private List<ThreadGroup> processGroup(Pid pgrp) {
        List<ThreadGroup> out = new ArrayList<>();
        if (!pgrp.namesProcessGroup()) return out; // a kill -PGRP of no group: no scan
        for (int nr = tasks.rootPidNs.nextAllocated(1); nr > 0; nr = tasks.rootPidNs.nextAllocated(nr + 1)) {
            Task t = tasks.lookup(tasks.rootPidNs, nr);
            if (t != null && t.isLeader() && t.group.pgrp == pgrp) out.add(t.group);
        }
        return out;
    }

    /**
     * group_send_sig_info to {@code target}'s process: check_kill_permission, then delivery unless
     * sig is 0. Returns the error, or null.
     */
    private Errno groupSendSigInfo(Task sender, Task target, int sig) {
        Errno err = checkKillPermission(sender, target, sig);
        if (err == null && sig != 0) deliver(target.group, target, sig, forced(sender, target), false);
        return err;
    }

    /**
     * check_kill_permission: an invalid signal is EINVAL; another process needs uids matching the
     * target task's own, as kill_ok_by_cred reads __task_cred(t), or CAP_KILL, or for SIGCONT the
     * same session, else EPERM. Returns the error, or null.
     */
    private static Errno checkKillPermission(Task sender, Task target, int sig) {
        if (sig < 0 || sig > Signals.NSIG) return Errno.EINVAL;
        ThreadGroup g = target.group;
        if (g != sender.group && !mayKill(sender, target.creds)
                && !(sig == Signals.SIGCONT && g.session == sender.group.session)) {
            return Errno.EPERM;
        }
        return null;
    }

    /** A signal from outside the target's pid namespace (an ancestor's) reaches its init's SIGKILL and SIGSTOP. */
    private static boolean forced(Task sender, Task target) {
        return !target.group.activePidNs().isAncestorOf(sender.activePidNs());
    }

    /**
     * tkill(tid, sig) ({@code tgid} 0) and tgkill(tgid, tid, sig), do_tkill and do_send_specific:
     * EINVAL for tid <= 0 (tgid <= 0 with tgkill: the line passes -1 for it); ESRCH if the caller's
     * namespace has no task tid, or its process is not tgid; check_kill_permission; then the signal
     * is that thread's own (PIDTYPE_PID: its pending set, status's SigPnd), which no other thread
     * takes: it waits there while that thread blocks it; a fatal one still ends the whole process.
     */
    void tgkill(Task caller, int tgid, int tid, int sig) {
        if (tid <= 0 || tgid < 0) throw Errno.EINVAL.error();
        PidNamespace ns = caller.activePidNs();
        Task t = tasks.lookup(ns, tid);
        if (t == null || (tgid > 0 && t.group.tgid(ns) != tgid)) throw Errno.ESRCH.error();
        Errno err = checkKillPermission(caller, t, sig);
        if (err != null) throw err.error();
        if (sig != 0) tasks.exit.killAll(() -> deliver(t.group, t, sig, forced(caller, t), true));
    }

    /** kill_ok_by_cred: a matching uid first, CAP_KILL (ns_capable) only without one. */
    private static boolean mayKill(Task sender, Credentials t) {
        Credentials s = sender.creds;
        return s.euid() == t.suid() || s.euid() == t.uid() || s.uid() == t.suid() || s.uid() == t.uid()
                || sender.capable(Capability.CAP_KILL);
    }

    /**
     * prepare_signal, then complete_signal and the action get_signal takes: SIGCONT resumes a
     * stopped group whatever becomes of the signal itself; an ignored signal is dropped (SIG_IGN,
     * or SIG_DFL of an ignore-by-default signal; a namespace init, SIGNAL_UNKILLABLE, ignores a
     * SIG_DFL signal unless it is SIGKILL or SIGSTOP {@code force}d from an ancestor namespace:
     * sig_task_ignored), unless {@code thread} blocks it (sig_ignored: its action may change before
     * it is unblocked); anything else joins the process's pending set, or {@code thread}'s own if
     * {@code own} (tkill), where a second one of a kind merges (legacy_queue), and is taken at once
     * by a thread that does not block it ({@link #dequeue}), else stays pending.
     */
    void deliver(ThreadGroup g, Task thread, int sig, boolean force, boolean own) {
        if (g.zombie || g.exiting) return; // SIGNAL_GROUP_EXIT: the signal is dropped
        if (Signals.stopsByDefault(sig)) g.flushPending(Signals.bit(Signals.SIGCONT));
        if (sig == Signals.SIGCONT) g.flushPending(Signals.STOP_MASK);
        if (sig == Signals.SIGCONT && g.stopped) {
            g.stopped = false;
            g.stopCode = 0;
            g.continued = true;
            tasks.wake.run();
        }
        SignalHandlers sighand = g.sighand;
        Task addressed = thread != null && thread.group == g ? thread : g.leader;
        boolean ignored = (addressed.blocked & Signals.bit(sig)) == 0 && (sighand.ignores(sig) || (g.isChildReaper()
                && sighand.handler(sig) == SignalHandlers.SIG_DFL && !(force && Signals.kernelOnly(sig))));
        if (!ignored && own) addressed.pendingSignals |= Signals.bit(sig);
        else if (!ignored) g.pendingSignals |= Signals.bit(sig);
        if (!ignored && !own && g.isChildReaper() && fatalShortcut(g, sig)) {
            // complete_signal's sig_fatal shortcut has no SIGNAL_UNKILLABLE test: a namespace init
            // whose thread sent to blocks a fatal signal another thread takes dies of it
            g.pendingSignals &= ~Signals.bit(sig);
            tasks.exit.killGroup(g, sig);
            return;
        }
        dequeue(g, thread);
        if (!ignored) tasks.wake.run(); // a sigtimedwait may take it
    }

    /**
     * get_signal for what {@code g} has pending (dequeue_signal: a thread's own signals before the
     * process's): a live thread's own signal it does not block, else a process's signal some live
     * thread does not block (wants_signal; a stopped group's threads want SIGKILL alone),
     * synchronous ones first, then the lowest, is taken off its set and acted on by that thread
     * (for a process's, {@code preferred} first). What is blocked stays pending until unblocked
     * ({@link #sigprocmask}).
     */
    void dequeue(ThreadGroup g, Task preferred) {
        while (!g.zombie && !g.exiting) {
            long allowed = g.stopped ? Signals.bit(Signals.SIGKILL) : -1L;
            Task taker = null;
            long wanted = 0, waited = 0;
            for (Task t : g.threads) {
                if (t.exited) continue;
                long left = leftToWait(g, t);
                if (taker == null && (t.pendingSignals & ~t.blocked & ~left & allowed) != 0) taker = t;
                wanted |= ~t.blocked;
                waited |= left;
            }
            if (taker != null) {
                int sig = Signals.next(taker.pendingSignals & ~taker.blocked & ~leftToWait(g, taker) & allowed);
                taker.pendingSignals &= ~Signals.bit(sig);
                act(g, taker, sig);
                continue;
            }
            long ready = g.pendingSignals & wanted & ~waited & allowed;
            if (ready == 0) return;
            int sig = Signals.next(ready);
            g.pendingSignals &= ~Signals.bit(sig);
            act(g, wantingThread(g, preferred, sig), sig);
        }
    }

    /**
     * Whether a process's SIG_DFL fatal signal (not ignored nor stopping by default) would be taken
     * now by a thread that does not block it (wants_signal; a stopped group takes none), whose
     * complete_signal then ends the group at once.
     */
    private static boolean fatalShortcut(ThreadGroup g, int sig) {
        if (g.stopped || !sigFatal(g, sig)) return false;
        for (Task t : g.threads) {
            if (wants(t, sig)) return true;
        }
        return false;
    }

    /**
     * What thread {@code t}, asleep in rt_sigtimedwait, takes itself instead of a handler or a
     * default action: its set, but for a signal it did not block before (not in real_blocked)
     * whose default action kills (complete_signal's sig_fatal shortcut).
     */
    private static long leftToWait(ThreadGroup g, Task t) {
        long left = t.waitingFor;
        for (long m = left & ~t.blocked; m != 0; m &= m - 1) {
            int sig = Long.numberOfTrailingZeros(m) + 1;
            if (sigFatal(g, sig)) left &= ~Signals.bit(sig);
        }
        return left;
    }

    /** sig_fatal: SIG_DFL, and its default neither ignores nor stops. */
    private static boolean sigFatal(ThreadGroup g, int sig) {
        return g.sighand.handler(sig) == SignalHandlers.SIG_DFL && !Signals.ignoredByDefault(sig) && !Signals.stopsByDefault(sig);
    }

    /**
     * rt_sigtimedwait(set, info, timeout), do_sigtimedwait: a signal of {@code set} (SIGKILL and
     * SIGSTOP taken out) pending for the thread, else for its process, is taken off and returned
     * (no handler runs, no default action is taken), blocked or not; none: EAGAIN if not
     * {@code wait} (a zero timeout), else the thread sleeps, taking such a signal as it comes,
     * until another signal's handler runs on it or a stop and SIGCONT pass (EINTR).
     */
    int sigtimedwait(Task t, long set, boolean wait) throws InterruptedException {
        long mask = set & ~Signals.UNBLOCKABLE;
        long handled = t.handlerRuns;
        long stops = t.group.stops;
        try {
            while (true) {
                // woken by a stop (its signal_wake_up) or another handler: EINTR before looking again
                if (t.exited || t.handlerRuns != handled || t.group.stops != stops) throw Errno.EINTR.error();
                boolean own = (t.pendingSignals & mask) != 0;
                long pending = own ? t.pendingSignals & mask : t.group.pendingSignals & mask;
                if (pending != 0) {
                    int sig = Signals.next(pending);
                    if (own) t.pendingSignals &= ~Signals.bit(sig);
                    else t.group.pendingSignals &= ~Signals.bit(sig);
                    return sig;
                }
                if (!wait) throw Errno.EAGAIN.error();
                t.waitingFor = mask;
                tasks.block.block();
            }
        } finally {
            if (t.waitingFor != 0) {
                t.waitingFor = 0;
                if (!t.exited) dequeue(t.group, null); // what was left to this wait goes to a thread that wants it
            }
        }
    }

    /**
     * get_signal's action for a dequeued signal: a handler takes it (the sim runs none; a bound
     * process's real handler runs: the shim sends it the real signal) on {@code thread}, whose
     * blocked syscall then ends (EINTR, or a wait4 restarts with SA_RESTART), and SA_RESETHAND
     * puts SIG_DFL back (the flags stay); SIG_IGN drops it; else the default action, which a
     * namespace init (SIGNAL_UNKILLABLE) takes only for SIGKILL and SIGSTOP: a signal pending while
     * it was stopped or blocked, its handler reset meanwhile, is dropped.
     */
    private void act(ThreadGroup g, Task thread, int sig) {
        SignalHandlers sighand = g.sighand;
        long h = sighand.handler(sig);
        if (h == SignalHandlers.SIG_IGN) return;
        if (h != SignalHandlers.SIG_DFL) {
            long flags = sighand.flags(sig);
            if ((flags & Signals.SA_RESETHAND) != 0) sighand.set(sig, SignalHandlers.SIG_DFL, flags);
            thread.handlerRuns++;
            thread.lastHandlerRestarts = (flags & Signals.SA_RESTART) != 0;
            tasks.wake.run();
            return;
        }
        if (Signals.ignoredByDefault(sig)) return;
        if (g.isChildReaper() && !Signals.kernelOnly(sig)) return;
        if (Signals.stopsByDefault(sig)) {
            if (sig != Signals.SIGSTOP && orphanedProcessGroup(g.pgrp)) return;
            if (!g.stopped) {
                g.stopped = true;
                g.stops++;
                g.continued = false;
                g.stopCode = sig;
                tasks.wake.run();
            }
        } else {
            tasks.exit.killGroup(g, sig);
        }
    }

    /**
     * complete_signal's choice of the thread that takes a process's signal: one that wants it (not
     * exiting, not blocking it): the one it was sent to (kill's tid, the forking thread for an exit
     * signal, the thread that unblocked it), else the main thread, else the first such.
     */
    private static Task wantingThread(ThreadGroup g, Task preferred, int sig) {
        if (preferred != null && preferred.group == g && wants(preferred, sig)) return preferred;
        if (wants(g.leader, sig)) return g.leader;
        for (Task t : g.threads) {
            if (wants(t, sig)) return t;
        }
        throw new IllegalStateException("no thread wants signal " + sig); // dequeue asked for one
    }

    private static boolean wants(Task t, int sig) {
        return !t.exited && (t.blocked & Signals.bit(sig)) == 0;
    }

    /**
     * rt_sigprocmask(how, set, oldset) of the caller's thread: the old mask; with a set (SIGKILL
     * and SIGSTOP taken out, as sigdelsetmask does) SIG_BLOCK adds it, SIG_UNBLOCK removes it,
     * SIG_SETMASK replaces the mask, any other {@code how} is EINVAL (not checked without a set).
     * Signals pending for the process that the thread no longer blocks are then taken
     * (__set_current_blocked's recalc_sigpending: on the way back to user space).
     */
    long sigprocmask(Task t, int how, Long set) {
        long old = t.blocked;
        if (set == null) return old;
        long s = set & ~Signals.UNBLOCKABLE;
        t.blocked = switch (how) {
            case Signals.SIG_BLOCK -> old | s;
            case Signals.SIG_UNBLOCK -> old & ~s;
            case Signals.SIG_SETMASK -> s;
            default -> throw Errno.EINVAL.error();
        };
        dequeue(t.group, t);
        return old;
    }

    /**
     * rt_sigaction's do_sigaction for the caller's process: the old action, then the new one if
     * {@code handler} is not null. EINVAL for an invalid signal, and for SIGKILL or SIGSTOP with a
     * new action; sa_flags keeps UAPI_SA_FLAGS only. A signal now ignored leaves the pending set.
     */
    SignalHandlers.Action sigaction(Task t, int sig, Long handler, long flags) {
        if (sig < 1 || sig > Signals.NSIG || (handler != null && Signals.kernelOnly(sig))) {
            throw Errno.EINVAL.error();
        }
        SignalHandlers sighand = t.group.sighand;
        SignalHandlers.Action old = new SignalHandlers.Action(sighand.handler(sig), sighand.flags(sig));
        if (handler != null) {
            sighand.set(sig, handler, flags & Signals.UAPI_SA_FLAGS);
            if (sighand.ignores(sig)) t.group.flushPending(Signals.bit(sig));
        }
        return old;
    }

    private boolean orphanedProcessGroup(Pid pgrp) {
        return willBecomeOrphaned(pgrp, null);
    }

    /**
     * will_become_orphaned_pgrp (kernel/exit.c): no live member but {@code ignored} has a parent in
     * another process group of the same session (a parent that is the global init does not count).
     */
    private boolean willBecomeOrphaned(Pid pgrp, ThreadGroup ignored) {
        ThreadGroup globalInit = tasks.init.group;
        for (ThreadGroup p : processGroup(pgrp)) {
            if (p == ignored || p.zombie || p.parent == null || p.parent == globalInit) continue;
            if (p.parent.pgrp != pgrp && p.parent.session == p.session) return false;
        }
        return true;
    }

    /**
     * kill_orphaned_pgrp (kernel/exit.c, POSIX 3.2.2.2): when {@code g} exits ({@code oldParent}
     * null) or is handed from {@code oldParent} to a reaper, and its process group loses its last
     * link to a parent in another group of its session while a member is stopped, every member
     * gets SIGHUP, then SIGCONT (SEND_SIG_PRIV: no permission check, not ignored by a namespace init).
     */
    void killOrphanedProcessGroup(ThreadGroup g, ThreadGroup oldParent) {
        ThreadGroup parent = oldParent == null ? g.parent : oldParent;
        Pid pgrp = g.pgrp;
        if (parent == null || parent.pgrp == pgrp || parent.session != g.session) return;
        if (!willBecomeOrphaned(pgrp, oldParent == null ? g : null)) return;
        List<ThreadGroup> members = processGroup(pgrp);
        if (members.stream().noneMatch(m -> m.stopped)) return;
        tasks.exit.killAll(() -> {
            // the exiting process has no live thread to take them (wants_signal: PF_EXITING): they stay pending
            for (ThreadGroup m : members) deliver(m, m.leader, Signals.SIGHUP, true, false);
            for (ThreadGroup m : members) deliver(m, m.leader, Signals.SIGCONT, true, false);
        });
    }
}
