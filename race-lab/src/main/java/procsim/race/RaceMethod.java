package procsim.race;

import java.util.Locale;

/**
 * One way a restorer asks for a pid in the race lab (no Linux counterpart: the lab's vocabulary
 * for four real interfaces): Linux's {@code /proc/sys/kernel/ns_last_pid} write followed by a
 * fork, the 2008 seed patch's {@code next_syscall_data} ({@code LONG1 target}) followed by a fork,
 * Linux 5.5's {@code clone3} with {@code set_tid}, and the 2009-10 seeds' {@code eclone}.
 *
 * <p>ns_last_pid is a per-namespace cursor shared by every forking task, so another task's write or
 * fork between a restorer's write and its fork moves the pid it gets; the other three carry the
 * pid with the call itself (or, for next_syscall_data, in the calling thread's own slot).
 */
public enum RaceMethod {
    /** write target-1 to ns_last_pid, then fork. */
    NS_LAST_PID("ns_last_pid"),
    /** write {@code LONG1 target} to the thread's own next_syscall_data, then fork. */
    NSD("nsd"),
    /** {@code clone3 exit_signal=SIGCHLD set_tid=target}. */
    CLONE3("clone3"),
    /** {@code eclone SIGCHLD pids=target}. */
    ECLONE("eclone");

    private final String label;

    RaceMethod(String label) {
        this.label = label;
    }

    /** The name the command line and the reports use. */
    public String label() {
        return label;
    }

    /**
     * The method named {@code s}: a label, or an alias ({@code set_tid} for clone3,
     * {@code next_syscall_data} for nsd); case-insensitive. IllegalArgumentException otherwise.
     */
    public static RaceMethod parse(String s) {
        String w = s.strip().toLowerCase(Locale.ROOT);
        for (RaceMethod m : values()) {
            if (m.label.equals(w)) return m;
        }
        return switch (w) {
            case "set_tid", "clone3_set_tid" -> CLONE3;
            case "next_syscall_data" -> NSD;
            case "ns-last-pid", "nslastpid" -> NS_LAST_PID;
            default -> throw new IllegalArgumentException("unknown method '" + s
                    + "' (one of ns_last_pid, nsd, clone3, eclone)");
        };
    }

    /** True if a restorer writes ns_last_pid before its fork. */
    public boolean writesNsLastPid() {
        return this == NS_LAST_PID;
    }

    /** True if a restorer writes its next_syscall_data before its fork. */
    public boolean writesNextSyscallData() {
        return this == NSD;
    }

    /** What comes before the target in the lines below: constants, so that {@code procsim race --help} quotes them. */
    public static final String NEXT_SYSCALL_DATA_PREFIX = "LONG1 ";
    public static final String CLONE3_PREFIX = "clone3 exit_signal=SIGCHLD set_tid=";
    public static final String ECLONE_PREFIX = "eclone SIGCHLD pids=";

    /** The text written to ns_last_pid before the fork: target - 1, so the next cyclic pid is target. */
    public static String nsLastPidText(int target) {
        return (target - 1) + "\n";
    }

    /** The text written to next_syscall_data before the fork. */
    public static String nextSyscallDataText(int target) {
        return NEXT_SYSCALL_DATA_PREFIX + target + "\n";
    }

    /**
     * The syscall line that creates the child. clone3 is given {@code exit_signal=SIGCHLD} (as
     * CRIU's clone3 restore does) so that a plain {@code wait4 PID} reaps the child, as for the
     * others.
     */
    public String cloneLine(int target) {
        return cloneLine(Integer.toString(target));
    }

    /** The same with the target as text ({@code target} in the help). */
    public String cloneLine(String target) {
        return switch (this) {
            case NS_LAST_PID, NSD -> "fork";
            case CLONE3 -> CLONE3_PREFIX + target;
            case ECLONE -> ECLONE_PREFIX + target;
        };
    }

    @Override
    public String toString() {
        return label;
    }
}
