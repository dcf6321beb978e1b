package procsim.race;

import java.util.Locale;

import procsim.restorer.RestoreMethod;

/**
 * One way a restorer asks for a pid in the race lab: a {@link RestoreMethod} under the lab's name
 * and in the lab's order (ns_last_pid first, the racy one), with the lab's aliases. Its writes and
 * lines are the restore method's ({@link RaceTask}): Linux's {@code /proc/sys/kernel/ns_last_pid}
 * write followed by a fork, the 2008 seed patch's {@code next_syscall_data} ({@code LONG1 target})
 * followed by a fork, Linux 5.5's {@code clone3} with {@code set_tid}, and the 2009-10 seeds'
 * {@code eclone}.
 *
 * <p>ns_last_pid is a per-namespace cursor shared by every forking task, so another task's write or
 * fork between a restorer's write and its fork moves the pid it gets; the other three carry the
 * pid with the call itself (or, for next_syscall_data, in the calling thread's own slot).
 */
public enum RaceMethod {
    /** write target-1 to ns_last_pid, then fork. */
    NS_LAST_PID(RestoreMethod.NS_LAST_PID),
    /** write {@code LONG1 target} to the thread's own next_syscall_data, then fork. */
    NSD(RestoreMethod.NSD),
    /** {@code clone3 exit_signal=SIGCHLD set_tid=target}. */
    CLONE3(RestoreMethod.CLONE3),
    /** {@code eclone SIGCHLD pids=target}. */
    ECLONE(RestoreMethod.ECLONE);

    /**
     * What comes before the target in a restorer's write and clone lines, for {@code procsim race
     * --help} (constants, as an annotation needs them); RaceTaskTest holds them to the lines the
     * restore methods make.
     */
    public static final String NEXT_SYSCALL_DATA_PREFIX = "LONG1 ";
    public static final String CLONE3_PREFIX = "clone3 exit_signal=SIGCHLD set_tid=";
    public static final String ECLONE_PREFIX = "eclone SIGCHLD pids=";

    private final RestoreMethod method;

    RaceMethod(RestoreMethod method) {
        this.method = method;
    }

    /** The restore method that makes a restorer's writes and its clone line. */
    public RestoreMethod restoreMethod() {
        return method;
    }

    /** The name the command line and the reports use: the restore method's. */
    public String label() {
        return method.label();
    }

    /**
     * The method named {@code s}: a label, or an alias ({@code set_tid} for clone3,
     * {@code next_syscall_data} for nsd); case-insensitive. IllegalArgumentException otherwise.
     */
    public static RaceMethod parse(String s) {
        String w = s.strip().toLowerCase(Locale.ROOT);
        for (RaceMethod m : values()) {
            if (m.label().equals(w)) return m;
        }
        return switch (w) {
            case "set_tid", "clone3_set_tid" -> CLONE3;
            case "next_syscall_data" -> NSD;
            case "ns-last-pid", "nslastpid" -> NS_LAST_PID;
            default -> throw new IllegalArgumentException("unknown method '" + s
                    + "' (one of ns_last_pid, nsd, clone3, eclone)");
        };
    }

    @Override
    public String toString() {
        return label();
    }
}
