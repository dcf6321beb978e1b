package procsim.task;

import java.util.Map;

import procsim.abi.Errno;
import procsim.abi.Signals;
import procsim.pid.PidNamespace;

/**
 * wait4(2) (kernel/exit.c do_wait): a child's exit, stop or continuation, each reported once.
 * Callers hold the kernel's write lock.
 */
public final class TaskWait {
    /** wait4 options (include/uapi/linux/wait.h). */
    public static final int WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8, WNOTHREAD = 0x20000000,
            WALL = 0x40000000, WCLONE = 0x80000000;

    public static final Map<String, Long> WAIT_OPTION_NAMES = Map.of(
            "WNOHANG", (long) WNOHANG, "WUNTRACED", (long) WUNTRACED, "WCONTINUED", (long) WCONTINUED,
            "__WNOTHREAD", (long) WNOTHREAD, "__WALL", (long) WALL, "__WCLONE", WCLONE & 0xffffffffL);

    /** The outcome of a wait4: the reaped child as the caller sees it, or 0 with WNOHANG. */
    public record WaitResult(int pid, int status) {
    }

    private final TaskSet tasks;

    TaskWait(TaskSet tasks) {
        this.tasks = tasks;
    }

    /**
     * wait4(pid, &status, options): -1 any child, >0 that child, 0 the caller's process group,
     * <-1 process group -pid; only children whose exit signal is SIGCHLD unless __WCLONE/__WALL;
     * with __WNOTHREAD only the calling thread's own children. Reports a zombie (reaped), with
     * WUNTRACED a stop ((sig << 8) | 0x7f) and with WCONTINUED a resumption (0xffff), each once.
     * The checks in kernel_wait4's order: options (EINVAL), INT_MIN (ESRCH), then ECHILD without
     * an eligible child; blocks (interruptibly: EINTR) until an event.
     */
    WaitResult wait4(Task caller, int pid, int options) throws InterruptedException {
        if ((options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) != 0) {
            throw Errno.EINVAL.error();
        }
        if (pid == Integer.MIN_VALUE) throw Errno.ESRCH.error(); // "-INT_MIN is not defined"
        PidNamespace ns = caller.activePidNs();
        boolean exitOnly = (options & (WUNTRACED | WCONTINUED | WNOTHREAD)) == 0;
        long handled = caller.handlerRuns;
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
                Task t = tasks.lookup(ns, pid);
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
            // do_wait: a handler's signal while it slept and nothing found on looking again:
            // -ERESTARTSYS, EINTR (or restarted, so waiting on, with SA_RESTART)
            if (caller.handlerRuns != handled && !caller.lastHandlerRestarts) throw Errno.EINTR.error();
            handled = caller.handlerRuns;
            tasks.block.block();
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
        tasks.exit.release(z);
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
}
