package procsim.abi;

import java.util.Map;

/** Linux x86-64 signal numbers (arch/x86/include/uapi/asm/signal.h) and their names. */
public final class Signals {
    public static final int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGUSR1 = 10,
            SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18,
            SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGWINCH = 28;
    /** SYNCHRONOUS_MASK (kernel/signal.c): SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGSYS. */
    private static final long SYNCHRONOUS_MASK = bit(11) | bit(7) | bit(4) | bit(5) | bit(8) | bit(31);
    /** SIG_KERNEL_STOP_MASK: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU. */
    public static final long STOP_MASK = bit(SIGSTOP) | bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);
    /** _NSIG: valid signals are 1..64. */
    public static final int NSIG = 64;
    /** sa_flags (arch/x86/include/uapi/asm/signal.h, include/uapi/asm-generic/signal-defs.h). */
    public static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_EXPOSE_TAGBITS = 0x800,
            SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000, SA_RESTART = 0x10000000,
            SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000L;
    /** UAPI_SA_FLAGS on x86: do_sigaction clears every other bit of sa_flags. */
    public static final long UAPI_SA_FLAGS = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_ONSTACK
            | SA_RESTART | SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS | SA_RESTORER;
    public static final Map<String, Long> SA_NAMES = Map.of("SA_NOCLDSTOP", SA_NOCLDSTOP,
            "SA_NOCLDWAIT", SA_NOCLDWAIT, "SA_SIGINFO", SA_SIGINFO, "SA_EXPOSE_TAGBITS", SA_EXPOSE_TAGBITS,
            "SA_RESTORER", SA_RESTORER, "SA_ONSTACK", SA_ONSTACK, "SA_RESTART", SA_RESTART,
            "SA_NODEFER", SA_NODEFER, "SA_RESETHAND", SA_RESETHAND);

    public static final Map<String, Long> NAMES = Map.ofEntries(
            Map.entry("SIGHUP", 1L), Map.entry("SIGINT", 2L), Map.entry("SIGQUIT", 3L),
            Map.entry("SIGILL", 4L), Map.entry("SIGTRAP", 5L), Map.entry("SIGABRT", 6L),
            Map.entry("SIGBUS", 7L), Map.entry("SIGFPE", 8L), Map.entry("SIGKILL", 9L),
            Map.entry("SIGUSR1", 10L), Map.entry("SIGSEGV", 11L), Map.entry("SIGUSR2", 12L),
            Map.entry("SIGPIPE", 13L), Map.entry("SIGALRM", 14L), Map.entry("SIGTERM", 15L),
            Map.entry("SIGSTKFLT", 16L), Map.entry("SIGCHLD", 17L), Map.entry("SIGCONT", 18L),
            Map.entry("SIGSTOP", 19L), Map.entry("SIGTSTP", 20L), Map.entry("SIGTTIN", 21L),
            Map.entry("SIGTTOU", 22L), Map.entry("SIGURG", 23L), Map.entry("SIGXCPU", 24L),
            Map.entry("SIGXFSZ", 25L), Map.entry("SIGVTALRM", 26L), Map.entry("SIGPROF", 27L),
            Map.entry("SIGWINCH", 28L), Map.entry("SIGIO", 29L), Map.entry("SIGPWR", 30L),
            Map.entry("SIGSYS", 31L), Map.entry("SIGRTMIN", 34L), Map.entry("SIGRTMAX", 64L));

    /** SIGKILL and SIGSTOP, which no mask blocks (sigprocmask and sigtimedwait take them out). */
    public static final long UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);
    /** rt_sigprocmask's how (include/uapi/asm-generic/signal-defs.h). */
    public static final int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;
    public static final Map<String, Long> HOW_NAMES = Map.of("SIG_BLOCK", (long) SIG_BLOCK,
            "SIG_UNBLOCK", (long) SIG_UNBLOCK, "SIG_SETMASK", (long) SIG_SETMASK);
    /** Each signal's name as its bit in a sigset_t (a mask's word: {@code SIGUSR1|SIGTERM}). */
    private static final Map<String, Long> SET_NAMES = NAMES.entrySet().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> bit(e.getValue().intValue())));

    /**
     * A sigset_t word: signal names (each its bit) and numbers (each a word, as status's SigBlk
     * shows it, unsigned 64-bit: {@code 0x8000000000000000} is SIGRTMAX; a negative one is its
     * two's complement, {@code -1} every signal) joined by {@code |}. EINVAL for anything else.
     */
    public static long parseSet(String word) {
        if (word.isEmpty()) throw Errno.EINVAL.error();
        long v = 0;
        for (String part : word.split("\\|", -1)) {
            Long named = SET_NAMES.get(part);
            v |= named != null ? named : Strtol.parseWord(part);
        }
        return v;
    }

    private Signals() {
    }

    /** Signals whose default action is to ignore (kernel/signal.c SIG_KERNEL_IGNORE_MASK). */
    public static boolean ignoredByDefault(int sig) {
        return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
    }

    /** sig_kernel_only: SIGKILL and SIGSTOP, which no handler or SIG_IGN may take. */
    public static boolean kernelOnly(int sig) {
        return sig == SIGKILL || sig == SIGSTOP;
    }

    /** Signals whose default action stops the process (SIG_KERNEL_STOP_MASK). */
    public static boolean stopsByDefault(int sig) {
        return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
    }

    /** The bit of {@code sig} in a pending set (bit sig-1, as sigset_t). */
    public static long bit(int sig) {
        return 1L << (sig - 1);
    }

    /** next_signal: the synchronous signals first, then the lowest number, of a non-empty set. */
    public static int next(long pending) {
        long sync = pending & SYNCHRONOUS_MASK;
        return Long.numberOfTrailingZeros(sync != 0 ? sync : pending) + 1;
    }
}
