package procsim.restorer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A checkpoint image: every sim task but init, and every SysV IPC object, as the mount's files
 * show them to the operator (root pid namespace numbers). Its JSON form ({@link ImageJson}) is
 * documented field by field in docs/image-format.md; {@link ImageText} prints it as sorted lines.
 *
 * @param format  always {@value #FORMAT}
 * @param version the format's version, {@value #VERSION}
 */
public record Image(String format, int version, List<Process> processes, List<MsgQueue> msg, List<SemSet> sem,
                    List<ShmSegment> shm) {
    public static final String FORMAT = "procsim-image";
    public static final int VERSION = 4;
    /**
     * The oldest version read: version 1 had no {@code sigactions} (every action was SIG_DFL then),
     * versions 1 and 2 no {@code sigmask}, {@code sigpending} nor {@code ownSigpending} (no mask,
     * nothing pending then), versions 1 to 3 no {@code pgid} nor {@code sid} (every process was in
     * init's group and session, 1, then).
     */
    public static final int OLDEST_VERSION = 1;
    /** init's process group and session (init, root pid 1, leads both; fork inherits them). */
    public static final int INIT_GROUP = 1;

    /**
     * A thread group, with its leader's task fields.
     *
     * @param nspid      the pid at every level, outermost first (status's NSpid)
     * @param pidns      its pid namespace, named by that namespace's init's root pid ({@code init:7}) or {@code root}
     * @param exitSignal the signal the parent gets at its exit (stat's field 38)
     * @param state      status's State letter: {@code S}, or {@code T} for a stopped process
     * @param subreaper  PR_SET_CHILD_SUBREAPER is set
     * @param argv       its cmdline, split at the NULs
     * @param sigactions its signal actions other than SIG_DFL with no flags, by signal
     * @param sigmask    the signals its main thread blocks, ascending (status's SigBlk)
     * @param sigpending the signals pending for the process, ascending (status's ShdPnd: kill's)
     * @param ownSigpending the signals pending for its main thread alone, ascending (its SigPnd: tkill's)
     * @param pgid       its process group, by its leader's root pid (stat's field 5; init's is 1)
     * @param sid        its session, by its leader's root pid (stat's field 6; init's is 1)
     */
    public record Process(int pid, int ppid, List<Integer> nspid, String pidns, String comm, int exitSignal,
                          String state, boolean subreaper, List<String> argv, Creds creds, List<Thread> threads,
                          List<Fd> fds, List<ShmAttach> shmAttaches, List<SigAction> sigactions, List<Integer> sigmask,
                          List<Integer> sigpending, List<Integer> ownSigpending, int pgid, int sid) {
        /** In init's process group and session, 1 (a version 1 to 3 image's). */
        public Process(int pid, int ppid, List<Integer> nspid, String pidns, String comm, int exitSignal, String state,
                       boolean subreaper, List<String> argv, Creds creds, List<Thread> threads, List<Fd> fds,
                       List<ShmAttach> shmAttaches, List<SigAction> sigactions, List<Integer> sigmask, List<Integer> sigpending,
                       List<Integer> ownSigpending) {
            this(pid, ppid, nspid, pidns, comm, exitSignal, state, subreaper, argv, creds, threads, fds, shmAttaches, sigactions,
                    sigmask, sigpending, ownSigpending, INIT_GROUP, INIT_GROUP);
        }

        /** With nothing pending for the main thread alone, in init's group and session. */
        public Process(int pid, int ppid, List<Integer> nspid, String pidns, String comm, int exitSignal, String state,
                       boolean subreaper, List<String> argv, Creds creds, List<Thread> threads, List<Fd> fds,
                       List<ShmAttach> shmAttaches, List<SigAction> sigactions, List<Integer> sigmask, List<Integer> sigpending) {
            this(pid, ppid, nspid, pidns, comm, exitSignal, state, subreaper, argv, creds, threads, fds, shmAttaches, sigactions,
                    sigmask, sigpending, List.of());
        }
    }

    /**
     * One signal's action as {@code rt_sigaction SIG} reads it back: {@code SIG_IGN}, {@code SIG_DFL}
     * or a handler's address ({@code 0x401000}), and sa_flags in hex.
     */
    public record SigAction(int sig, String handler, String flags) {
        /** An empty signal set as status prints one (SigIgn, SigCgt, ShdPnd). */
        public static final String NO_SIGNALS = "0000000000000000";
        public static final int SIGKILL = 9, SIGSTOP = 19, SIGCONT = 18;

        /**
         * Whether a signal takes an action, or a place in a mask: 1-64 but SIGKILL (9) and SIGSTOP (19)
         * (do_sigaction's sig_kernel_only; sigprocmask takes them out, sigdelsetmask).
         */
        public static boolean settable(int sig) {
            return sig >= 1 && sig <= 64 && sig != SIGKILL && sig != SIGSTOP;
        }

        /** A signal set's word (bit sig-1) of {@code sigs}, each 1-64. */
        public static long set(List<Integer> sigs) {
            long set = 0;
            for (int sig : sigs) set |= 1L << (sig - 1);
            return set;
        }

        /** The signals of a set's word, ascending. */
        public static List<Integer> signals(long set) {
            List<Integer> out = new ArrayList<>();
            for (int sig = 1; sig <= 64; sig++) {
                if ((set & 1L << (sig - 1)) != 0) out.add(sig);
            }
            return out;
        }

        /**
         * Of a process's pending signals, those a thread would take at once: the ones some thread does
         * not block ({@code blockedByEvery}: what all its threads block), unless it is stopped (a
         * stopped process keeps every signal but SIGKILL pending until SIGCONT). A restore sends the
         * pending signals again, so these it cannot: the process would act on them.
         */
        public static long unheld(long pending, long blockedByEvery, boolean stopped) {
            return stopped ? 0 : pending & ~blockedByEvery;
        }

        /** The signal of a set's lowest bit. */
        public static int lowest(long set) {
            return Long.numberOfTrailingZeros(set) + 1;
        }
    }

    /**
     * A thread other than the leader.
     *
     * @param sigmask the signals it blocks, ascending (its status's SigBlk)
     * @param ownSigpending the signals pending for it alone, ascending (its SigPnd: tkill's)
     */
    public record Thread(int tid, List<Integer> nspid, String comm, Creds creds, List<Integer> sigmask,
                         List<Integer> ownSigpending) {
        /** With nothing pending for it alone. */
        public Thread(int tid, List<Integer> nspid, String comm, Creds creds, List<Integer> sigmask) {
            this(tid, nspid, comm, creds, sigmask, List.of());
        }
    }

    /**
     * A task's credentials: uid and gid as status lists them (real, effective, saved, filesystem),
     * the five capability sets as status prints them ({@code %016x}), and PR_SET_KEEPCAPS.
     */
    public record Creds(List<Long> uid, List<Long> gid, Caps caps, boolean keepcaps) {
    }

    /** Capability sets, hex as status's CapInh ... CapAmb lines. */
    public record Caps(String inheritable, String permitted, String effective, String bounding, String ambient) {
    }

    /**
     * An open fd: fdinfo's {@code flags} (octal text) and {@code pos}, the fd link's path. Its
     * equals and hashCode are written out, as {@link ShmAttach}'s: a restore compares each process's
     * fds with its parent's, and a record's own are an invokedynamic bootstrap and then method-handle
     * calls, slow in a client's fresh JVM (C1 only): with the plan's comparator chain, a dry-run
     * restore of 1,000 processes took ~10% more CPU.
     */
    public record Fd(int fd, String flags, long pos, String path) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Fd f && fd == f.fd && pos == f.pos && Objects.equals(flags, f.flags) && Objects.equals(path, f.path);
        }

        @Override
        public int hashCode() {
            return (31 * (31 * fd + Objects.hashCode(flags)) + Long.hashCode(pos)) * 31 + Objects.hashCode(path);
        }
    }

    /** A SysV shm attach from maps: the start address, the segment id, {@code rw} or {@code ro}. */
    public record ShmAttach(long address, int shmid, String mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShmAttach a && address == a.address && shmid == a.shmid && Objects.equals(mode, a.mode);
        }

        @Override
        public int hashCode() {
            return (31 * Long.hashCode(address) + shmid) * 31 + Objects.hashCode(mode);
        }
    }

    /** A message queue: IPC_STAT's fields, its messages oldest first, the times only nsd restores. */
    public record MsgQueue(int id, long key, String perms, long uid, long gid, long cuid, long cgid, long qbytes,
                           List<Message> messages, MsgTimes times) {
    }

    public record Message(long mtype, String text) {
    }

    public record MsgTimes(long stime, long rtime, long ctime, long lspid, long lrpid) {
    }

    /** A semaphore set with its values. */
    public record SemSet(int id, long key, String perms, int nsems, long uid, long gid, long cuid, long cgid,
                         List<Long> values, SemTimes times) {
    }

    public record SemTimes(long otime, long ctime) {
    }

    /** A shared memory segment. */
    public record ShmSegment(int id, long key, String perms, long size, long uid, long gid, long cuid, long cgid,
                             ShmTimes times) {
    }

    public record ShmTimes(long atime, long dtime, long ctime, long cpid, long lpid) {
    }
}
