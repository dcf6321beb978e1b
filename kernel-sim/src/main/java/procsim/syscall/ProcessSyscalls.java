package procsim.syscall;

import static procsim.abi.CloneFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import procsim.abi.Capability;
import procsim.abi.CloneFlags;
import procsim.abi.Errno;
import procsim.abi.Flags;
import procsim.abi.Signals;
import procsim.abi.Strtol;
import procsim.pid.PidNamespace;
import procsim.pid.PidRequest;
import procsim.restore.NextSyscallData;
import procsim.restore.PidTargets;
import procsim.task.CloneArgs;
import procsim.task.SignalHandlers;
import procsim.task.Task;
import procsim.task.TaskWait;

/**
 * Process syscalls: fork, vfork, clone, clone3, eclone, execve, exit, exit_group, wait4, kill,
 * unshare, setuid, setresuid, setgid, capget, capset, getpid, gettid, getppid, setsid, setpgid,
 * getpgid, getpgrp, getsid, prctl (kernel/fork.c,
 * kernel/exit.c, kernel/signal.c, kernel/sys.c, kernel/capability.c, and the 2009-10
 * clone_with_pids/eclone patches).
 */
final class ProcessSyscalls {
    private static final long PR_GET_KEEPCAPS = 7;
    private static final long PR_SET_KEEPCAPS = 8;
    private static final long PR_SET_NAME = 15;
    private static final long PR_GET_NAME = 16;
    private static final long PR_SET_CHILD_SUBREAPER = 36;
    private static final long PR_GET_CHILD_SUBREAPER = 37;
    private static final Map<String, Long> PRCTL_OPTIONS =
            Map.of("PR_SET_NAME", PR_SET_NAME, "PR_GET_NAME", PR_GET_NAME,
                    "PR_GET_KEEPCAPS", PR_GET_KEEPCAPS, "PR_SET_KEEPCAPS", PR_SET_KEEPCAPS,
                    "PR_SET_CHILD_SUBREAPER", PR_SET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER", PR_GET_CHILD_SUBREAPER);

    private ProcessSyscalls() {
    }

    static void register(SyscallTable t) {
        t.register("fork", a -> {
            a.positional().done();
            return legacyClone(Signals.SIGCHLD);
        });
        t.register("vfork", a -> {
            a.positional().done();
            return legacyClone(CLONE_VFORK | CLONE_VM | Signals.SIGCHLD);
        });
        t.register("clone", a -> {
            long flags = a.positional().flags(0, CloneFlags.NAMES);
            a.done();
            return legacyClone(flags);
        });
        t.register("clone3", ProcessSyscalls::clone3);
        t.register("eclone", ProcessSyscalls::eclone);
        t.register("execve", a -> {
            String path = a.positional().word(0);
            // the words after PATH are the whole argv, argv[0] included.
            // Deviation: none stands for argv {PATH}; Linux (5.18+) gives an empty argv one "".
            List<String> argv = new ArrayList<>();
            for (int i = 1; a.has(i); i++) argv.add(a.word(i));
            if (argv.isEmpty()) argv.add(path);
            a.done();
            return (k, c) -> {
                k.tasks().execve(c, path, argv);
                return SyscallResult.ok(0);
            };
        });
        t.register("exit", a -> exit(a, false));
        t.register("exit_group", a -> exit(a, true));
        t.register("wait4", a -> {
            a.positional();
            int pid = a.has(0) ? a.intNum(0) : -1;
            long options = a.flags(1, TaskWait.WAIT_OPTION_NAMES, 0);
            a.done();
            return (k, c) -> {
                TaskWait.WaitResult r = k.tasks().wait4(c, pid, (int) options);
                return r.pid() == 0 ? SyscallResult.ok(0)
                        : SyscallResult.ok(r.pid(), " status=0x" + Integer.toHexString(0x10000 | (r.status() & 0xffff)).substring(1));
            };
        });
        t.register("kill", a -> {
            a.positional();
            int pid = a.intNum(0);
            int sig = signal(a.flags(1, Signals.NAMES, Signals.SIGTERM));
            a.done();
            return (k, c) -> {
                k.tasks().kill(c, pid, sig);
                return SyscallResult.ok(0);
            };
        });
        t.register("tkill", a -> {
            a.positional();
            int tid = a.intNum(0);
            int sig = signal(a.flags(1, Signals.NAMES));
            a.done();
            return (k, c) -> {
                k.tasks().tgkill(c, 0, tid, sig);
                return SyscallResult.ok(0);
            };
        });
        t.register("tgkill", a -> {
            a.positional();
            int tgid = a.intNum(0);
            int tid = a.intNum(1);
            int sig = signal(a.flags(2, Signals.NAMES));
            a.done();
            return (k, c) -> {
                k.tasks().tgkill(c, tgid <= 0 ? -1 : tgid, tid, sig);
                return SyscallResult.ok(0);
            };
        });
        t.register("rt_sigaction", ProcessSyscalls::rtSigaction);
        t.register("rt_sigprocmask", ProcessSyscalls::rtSigprocmask);
        t.register("rt_sigtimedwait", a -> {
            a.keys("timeout");
            long set = Signals.parseSet(a.word(0));
            String timeout = a.key("timeout");
            a.done();
            // Deviation: a timeout is 0 (poll) or none (wait for a signal); no timer runs here
            if (timeout != null && Strtol.parse(timeout) != 0) throw Errno.EINVAL.error();
            return (k, c) -> SyscallResult.ok(k.tasks().sigtimedwait(c, set, timeout == null));
        });
        t.register("unshare", a -> {
            long flags = a.positional().flags(0, CloneFlags.NAMES);
            a.done();
            return (k, c) -> {
                k.tasks().unshare(c, flags);
                return SyscallResult.ok(0);
            };
        });
        t.register("setuid", a -> {
            long uid = a.positional().num(0);
            a.done();
            return (k, c) -> {
                k.tasks().setuid(c, uid);
                return SyscallResult.ok(0);
            };
        });
        t.register("setresuid", a -> {
            a.positional();
            int ruid = id(a.num(0), true), euid = id(a.num(1), true), suid = id(a.num(2), true);
            a.done();
            return (k, c) -> {
                c.commitCreds(c.creds().setresuid(ruid, euid, suid, () -> c.capable(Capability.CAP_SETUID)));
                return SyscallResult.ok(0);
            };
        });
        t.register("setgid", a -> {
            int gid = id(a.positional().num(0), false);
            a.done();
            return (k, c) -> {
                c.commitCreds(c.creds().setgid(gid, c.capable(Capability.CAP_SETGID)));
                return SyscallResult.ok(0);
            };
        });
        t.register("capget", ProcessSyscalls::capget);
        t.register("capset", ProcessSyscalls::capset);
        t.register("prctl", ProcessSyscalls::prctl);
        t.register("getpid", a -> {
            a.positional().done();
            return (k, c) -> SyscallResult.ok(c.group().tgid(c.activePidNs()));
        });
        t.register("gettid", a -> {
            a.positional().done();
            return (k, c) -> SyscallResult.ok(c.tid());
        });
        t.register("setsid", a -> {
            a.positional().done();
            return (k, c) -> SyscallResult.ok(k.tasks().setsid(c));
        });
        t.register("setpgid", a -> {
            a.positional();
            int pid = a.intNum(0), pgid = a.intNum(1);
            a.done();
            return (k, c) -> {
                k.tasks().setpgid(c, pid, pgid);
                return SyscallResult.ok(0);
            };
        });
        t.register("getpgid", a -> {
            a.positional();
            int pid = a.has(0) ? a.intNum(0) : 0;
            a.done();
            return (k, c) -> SyscallResult.ok(k.tasks().getpgid(c, pid));
        });
        t.register("getpgrp", a -> {
            a.positional().done();
            return (k, c) -> SyscallResult.ok(k.tasks().getpgid(c, 0));
        });
        t.register("getsid", a -> {
            a.positional();
            int pid = a.has(0) ? a.intNum(0) : 0;
            a.done();
            return (k, c) -> SyscallResult.ok(k.tasks().getsid(c, pid));
        });
        t.register("getppid", a -> {
            a.positional().done();
            return (k, c) -> {
                var parent = c.group().parent();
                return SyscallResult.ok(parent == null ? 0 : parent.tgid(c.activePidNs()));
            };
        });
    }

    /**
     * fork/vfork/clone: the exit signal is the flags' low byte. These are the calls that consume
     * next_syscall_data (LONGn: the child's pid in its youngest n namespaces).
     * Deviation: vfork does not suspend the parent (a sim task runs only when written to).
     */
    private static Call legacyClone(long rawFlags) {
        long flags = rawFlags & 0xffffffffL & ~CSIGNAL;
        int exitSignal = (int) (rawFlags & CSIGNAL);
        return new CloneCall(flags, (k, c) -> {
            NextSyscallData nsd = c.takeNextSyscallData();
            CloneArgs args = nsd == null ? CloneArgs.of(flags, exitSignal)
                    : new CloneArgs(flags, exitSignal, ns -> PidTargets.nextSyscallData(nsd, ns));
            return forked(c, k.tasks().clone(c, args));
        });
    }

    private static SyscallResult forked(Task caller, Task child) {
        return SyscallResult.ok(child.pid().nr(caller.activePidNs()));
    }

    /**
     * clone3 [flags=F] [exit_signal=S] [set_tid=a,b,...]: the struct's checks in the order of
     * copy_clone_args_from_user and clone3_args_valid (linux-facts §3.2), then copy_process.
     */
    private static Call clone3(Args a) {
        a.keys("flags", "exit_signal", "set_tid").done();
        long flags = a.key("flags") == null ? 0 : Flags.parse(a.key("flags"), CloneFlags.NAMES);
        long exitSignal = a.key("exit_signal") == null ? 0 : Flags.parse(a.key("exit_signal"), Signals.NAMES);
        int[] setTid = a.key("set_tid") == null ? new int[0] : Args.intList(a.key("set_tid"));
        return new CloneCall(flags, (k, c) -> {
            if (setTid.length > PidNamespace.MAX_PID_NS_LEVEL) throw Errno.EINVAL.error();
            if ((exitSignal & ~CSIGNAL) != 0 || exitSignal > Signals.NSIG) throw Errno.EINVAL.error();
            if ((flags & ~(0xffffffffL | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) != 0) throw Errno.EINVAL.error();
            if ((flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME))) != 0) throw Errno.EINVAL.error();
            if ((flags & CLONE_SIGHAND) != 0 && (flags & CLONE_CLEAR_SIGHAND) != 0) throw Errno.EINVAL.error();
            if ((flags & (CLONE_THREAD | CLONE_PARENT)) != 0 && exitSignal != 0) throw Errno.EINVAL.error();
            if ((flags & CLONE_INTO_CGROUP) != 0) throw Errno.EINVAL.error(); // no cgroup fd is modelled
            PidRequest.LevelPermission perm = ns -> {
                if (!c.checkpointRestoreCapable()) throw Errno.EPERM.error();
            };
            CloneArgs args = setTid.length == 0 ? CloneArgs.of(flags, (int) exitSignal)
                    : new CloneArgs(flags, (int) exitSignal, ns -> PidTargets.setTid(setTid, ns, perm));
            return forked(c, k.tasks().clone(c, args));
        });
    }

    /**
     * eclone FLAGS pids=a,b,...: the 2010 seeds' syscall. pids[0] is the outermost namespace;
     * 0 lets the kernel choose; more pids than the caller's levels is EINVAL; any pid needs
     * CAP_SYS_ADMIN (EPERM, checked before anything is allocated); a taken pid is EBUSY.
     */
    private static Call eclone(Args a) {
        a.keys("pids");
        long raw = a.flags(0, CloneFlags.NAMES);
        a.done();
        int[] pids = a.key("pids") == null ? new int[0] : Args.intList(a.key("pids"));
        long flags = raw & 0xffffffffL & ~CSIGNAL;
        int exitSignal = (int) (raw & CSIGNAL);
        return new CloneCall(flags, (k, c) -> {
            int callerLevel = c.activePidNs().level();
            if (pids.length > callerLevel + 1) throw Errno.EINVAL.error();
            if (pids.length > 0 && !c.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
            PidRequest req = PidTargets.eclone(pids, callerLevel);
            CloneArgs args = new CloneArgs(flags, exitSignal, ns -> req);
            return forked(c, k.tasks().clone(c, args));
        });
    }

    private static Call exit(Args a, boolean group) {
        a.positional();
        int code = a.has(0) ? (int) a.num(0) : 0;
        a.done();
        return (k, c) -> {
            if (group) k.tasks().exitGroup(c, code);
            else k.tasks().exitThread(c, code);
            return SyscallResult.ok(0);
        };
    }

    /**
     * rt_sigaction SIG [HANDLER [FLAGS]]: the caller's process's action for SIG, replaced by
     * HANDLER (SIG_DFL, SIG_IGN or a handler's address) with sa_flags FLAGS (SA_ names or a
     * number, default 0) when given; returns the old one, {@code 0 handler=SIG_DFL|SIG_IGN|0x..
     * flags=0x..}. The sim runs no handler: a caught signal is taken and gone (see TaskSignals).
     */
    private static Call rtSigaction(Args a) {
        a.positional();
        long sig = a.flags(0, Signals.NAMES);
        Long handler = a.has(1) ? handlerWord(a.word(1)) : null;
        long flags = a.flags(2, Signals.SA_NAMES, 0);
        a.done();
        return (k, c) -> {
            if (sig < 1 || sig > Signals.NSIG) throw Errno.EINVAL.error();
            SignalHandlers.Action old = k.tasks().sigaction(c, (int) sig, handler, flags);
            return SyscallResult.ok(0, " handler=" + handlerName(old.handler()) + " flags=0x" + Long.toHexString(old.flags()));
        };
    }

    /**
     * rt_sigprocmask HOW [SET]: the caller's thread's signal mask changed by SIG_BLOCK, SIG_UNBLOCK
     * or SIG_SETMASK (or 0, 1, 2) with SET (signal names joined by {@code |}, each its bit, or
     * numbers, each a sigset_t word as status's SigBlk shows it: {@code 0x10000}, {@code -1} for
     * all) when given, else only read; returns the old mask, {@code 0 oldset=0x..}.
     */
    private static Call rtSigprocmask(Args a) {
        a.positional();
        long how = a.flags(0, Signals.HOW_NAMES);
        Long set = a.has(1) ? Signals.parseSet(a.word(1)) : null;
        a.done();
        return (k, c) -> {
            long old = k.tasks().sigprocmask(c, how < 0 || how > Integer.MAX_VALUE ? -1 : (int) how, set);
            return SyscallResult.ok(0, " oldset=0x" + Long.toHexString(old));
        };
    }

    /**
     * A signal number: one out of 0..64 stays invalid (-1). Deviation: Linux truncates the register
     * to int (kill(pid, 0x10000000f) sends SIGTERM); a line's number past the int range is EINVAL.
     */
    private static int signal(long sig) {
        return sig < 0 || sig > Signals.NSIG ? -1 : (int) sig;
    }

    private static long handlerWord(String w) {
        if (w.equals("SIG_DFL")) return SignalHandlers.SIG_DFL;
        if (w.equals("SIG_IGN")) return SignalHandlers.SIG_IGN;
        return Strtol.parse(w);
    }

    /** A handler as rt_sigaction's reply shows it (and reads it back). */
    public static String handlerName(long h) {
        return h == SignalHandlers.SIG_DFL ? "SIG_DFL" : h == SignalHandlers.SIG_IGN ? "SIG_IGN" : "0x" + Long.toHexString(h);
    }

    /**
     * A uid or gid argument: 0 to 4294967294; -1 (unchanged) where {@code keep} allows it, else
     * EINVAL, as uid_valid refuses (uid_t) -1. Deviation: the line is not C's uid_t, so -2 is
     * EINVAL (not uid 4294967294) and 4294967295 is EINVAL (not "unchanged").
     */
    private static int id(long v, boolean keep) {
        if (v == -1 && keep) return -1;
        if (v < 0 || v >= 0xffffffffL) throw Errno.EINVAL.error();
        return (int) v;
    }

    /**
     * capget [PID] (kernel/capability.c): the effective, permitted and inheritable sets of the
     * caller (PID 0 or its own) or of the thread PID names in the caller's namespace (ESRCH if
     * none), as {@code 0 effective=0x.. permitted=0x.. inheritable=0x..}.
     */
    private static Call capget(Args a) {
        a.positional();
        int pid = a.has(0) ? a.intNum(0) : 0;
        a.done();
        return (k, c) -> {
            if (pid < 0) throw Errno.EINVAL.error();
            Task t = pid == 0 ? c : k.tasks().lookup(c.activePidNs(), pid);
            if (t == null) throw Errno.ESRCH.error(); // a zombie still has its credentials
            var cr = t.creds();
            return SyscallResult.ok(0, " effective=0x" + Long.toHexString(cr.capEffective())
                    + " permitted=0x" + Long.toHexString(cr.capPermitted())
                    + " inheritable=0x" + Long.toHexString(cr.capInheritable()));
        };
    }

    /**
     * capset effective=E permitted=P inheritable=I: the caller's own sets, all three given (as
     * the syscall's data), bits above CAP_LAST_CAP ignored (mk_kernel_cap's CAP_VALID_MASK);
     * cap_capset's rules, else EPERM.
     */
    private static Call capset(Args a) {
        a.keys("effective", "permitted", "inheritable").done();
        long effective = capSet(a, "effective");
        long permitted = capSet(a, "permitted");
        long inheritable = capSet(a, "inheritable");
        return (k, c) -> {
            c.commitCreds(c.creds().capset(effective, permitted, inheritable));
            return SyscallResult.ok(0);
        };
    }

    private static long capSet(Args a, String key) {
        String v = a.key(key);
        if (v == null) throw Errno.EINVAL.error();
        return Strtol.parse(v) & Capability.ALL;
    }

    /**
     * prctl(2): the calling thread's name ({@code prctl PR_SET_NAME NAME}, {@code prctl
     * PR_GET_NAME}), its SECURE_KEEP_CAPS bit ({@code prctl PR_SET_KEEPCAPS 0|1}, anything else
     * EINVAL; {@code prctl PR_GET_KEEPCAPS} returns it), as cap_task_prctl, and its process's child
     * subreaper mark ({@code prctl PR_SET_CHILD_SUBREAPER ARG2}, {@code prctl
     * PR_GET_CHILD_SUBREAPER}: {@code 0 subreaper=0|1}, the int Linux stores at arg2).
     */
    private static Call prctl(Args a) {
        long option = a.positional().flags(0, PRCTL_OPTIONS);
        if (option == PR_SET_KEEPCAPS) {
            long keep = a.num(1);
            a.done();
            return (k, c) -> {
                if (keep < 0 || keep > 1) throw Errno.EINVAL.error(); // arg2 is unsigned: -1 is > 1
                c.commitCreds(c.creds().withKeepCaps(keep == 1));
                return SyscallResult.ok(0);
            };
        }
        if (option == PR_GET_KEEPCAPS) {
            a.done();
            return (k, c) -> SyscallResult.ok(c.creds().keepCaps() ? 1 : 0);
        }
        if (option == PR_SET_NAME) {
            String name = a.word(1);
            a.done();
            return (k, c) -> {
                k.tasks().setComm(c, name); // at most 15 bytes, as strncpy_from_user(.., TASK_COMM_LEN - 1)
                return SyscallResult.ok(0);
            };
        }
        if (option == PR_SET_CHILD_SUBREAPER) {
            long arg2 = a.num(1);
            a.done();
            return (k, c) -> {
                k.tasks().setChildSubreaper(c, arg2);
                return SyscallResult.ok(0);
            };
        }
        a.done();
        if (option == PR_GET_NAME) return (k, c) -> SyscallResult.ok(0, " name=" + c.comm());
        if (option == PR_GET_CHILD_SUBREAPER) {
            return (k, c) -> SyscallResult.ok(0, " subreaper=" + (c.group().isChildSubreaper() ? 1 : 0));
        }
        return (k, c) -> {
            throw Errno.EINVAL.error();
        };
    }
}
