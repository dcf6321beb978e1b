package procsim.attach;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The host's real process table, as far as attach needs it: thread to process, process to
 * parent, and a start time that tells a reused pid from the process that was attached.
 */
public interface HostProcesses {
    /** The thread group (process) id of a host thread, or empty if it is gone. */
    OptionalInt tgidOf(int tid);

    /** The parent process id of a host process, or empty if it is gone. */
    OptionalInt parentOf(int pid);

    /** The start time (clock ticks since boot, /proc/PID/stat field 22), or empty if gone. */
    OptionalLong startTimeOf(int pid);

    /** The session id (the session leader's pid, /proc/PID/stat field 6), or empty if gone or unknown. */
    default OptionalInt sessionOf(int pid) {
        return OptionalInt.empty();
    }

    /**
     * A host thread's process id as its own (innermost) pid namespace numbers it, what getpid()
     * returns to it (task_tgid_vnr: NStgid's last field), or empty if gone or unknown.
     */
    default OptionalInt tgidVnrOf(int tid) {
        return OptionalInt.empty();
    }
}
