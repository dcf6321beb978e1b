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

    /**
     * Whether some host thread or process has id {@code id} now: false means whatever had it is
     * gone (a look that fails throws nothing, unlike a pin's read).
     */
    default boolean exists(int id) {
        return tgidOf(id).isPresent();
    }

    /** A host thread's process, and that process's parent (0 if none is known, as status's PPid for init). */
    record Ids(int tgid, int ppid) {
    }

    /** The process of host thread {@code tid} and its parent, or null if it is gone. */
    default Ids idsOf(int tid) {
        OptionalInt tgid = tgidOf(tid);
        return tgid.isEmpty() ? null : new Ids(tgid.getAsInt(), parentOf(tgid.getAsInt()).orElse(0));
    }

    /** The start time (clock ticks since boot, /proc/PID/stat field 22), or empty if gone. */
    OptionalLong startTimeOf(int pid);

    /**
     * A hold on the host thread or process that has id {@code id} now, or null if there is none:
     * {@link Pin#alive} stays true while that very process lives (a zombie too), never for another
     * that gets the id later. This default compares start times.
     */
    default Pin pin(int id) {
        OptionalLong start = startTimeOf(id);
        if (start.isEmpty()) return null;
        long then = start.getAsLong();
        return new Pin() {
            @Override
            public boolean alive() {
                OptionalLong now = startTimeOf(id);
                return now.isPresent() && now.getAsLong() == then;
            }

            @Override
            public void close() {
            }
        };
    }

    /** See {@link #pin}; closed when its binding ends, and then no longer alive. */
    interface Pin extends AutoCloseable {
        boolean alive();

        /** Whether {@link #alive} costs no more when the process is gone (no exception made): then no look comes first. */
        default boolean failsCheaply() {
            return false;
        }

        @Override
        void close();
    }

    /** The session id (the session leader's pid, /proc/PID/stat field 6), or empty if gone or unknown. */
    default OptionalInt sessionOf(int pid) {
        return OptionalInt.empty();
    }

    /**
     * The real child processes of host thread {@code tid}, in its children list's order, or null
     * if that list cannot be read (fs/proc/array.c children_seq_show: CONFIG_PROC_CHILDREN).
     */
    default int[] childrenOf(int tid) {
        return null;
    }

    /** The threads of host thread {@code tid}'s process ({@code /proc/<tid>/task}), or null if gone or unknown. */
    default int[] threadsOf(int tid) {
        return null;
    }

    /**
     * A host thread's process ids in each pid namespace from the host's down to its own (status's
     * NStgid), or null if gone or unknown.
     */
    default int[] nsTgidsOf(int tid) {
        return null;
    }

    /** A pinned host process and its pid. */
    record PinnedChild(int pid, Pin pin) {
    }

    /**
     * The real child process of host thread {@code tid}'s process (its parent process, as getppid
     * and wait see it, is {@code tid}'s: a child any of its threads forked) that {@code tid}'s own
     * pid namespace numbers {@code pid} (what fork returned), pinned; null if it has no such child.
     * This default reads the children list of each thread ({@code tid}'s first) and the NStgid of
     * each child, newest first, at {@code tid}'s level.
     */
    default PinnedChild pinChild(int tid, int pid) {
        int[] own = nsTgidsOf(tid);
        if (own == null) return null;
        PinnedChild found = childOfThread(tid, pid, own.length - 1); // the shim's case: the caller forked it
        if (found != null) return found;
        int[] threads = threadsOf(tid);
        for (int i = 0; threads != null && i < threads.length && found == null; i++) {
            if (threads[i] != tid) found = childOfThread(threads[i], pid, own.length - 1);
        }
        return found;
    }

    /** The child in {@code thread}'s children list whose NStgid at {@code level} is {@code pid}, pinned; null if none. */
    private PinnedChild childOfThread(int thread, int pid, int level) {
        int[] children = childrenOf(thread);
        for (int i = children == null ? -1 : children.length - 1; i >= 0; i--) {
            int[] ids = nsTgidsOf(children[i]);
            if (ids == null || ids.length <= level || ids[level] != pid) continue;
            int child = children[i];
            Pin pin = pin(child);
            if (pin == null) return null;
            // read again once pinned, the pin alive after: the reads were of the pinned process (a
            // number is not reused while its holder lives), not of a later holder of the number
            int[] again = nsTgidsOf(child), still = childrenOf(thread);
            if (again != null && again.length > level && again[level] == pid && still != null
                    && java.util.Arrays.stream(still).anyMatch(c -> c == child) && pin.alive()) {
                return new PinnedChild(child, pin);
            }
            pin.close();
            return null;
        }
        return null;
    }

    /**
     * A host thread's process id as its own (innermost) pid namespace numbers it, what getpid()
     * returns to it (task_tgid_vnr: NStgid's last field), or empty if gone or unknown.
     */
    default OptionalInt tgidVnrOf(int tid) {
        return OptionalInt.empty();
    }
}
