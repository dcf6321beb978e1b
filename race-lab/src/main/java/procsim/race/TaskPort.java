package procsim.race;

import procsim.restorer.CreationPort;

/**
 * The {@link CreationPort} of one task of the race namespace, which it acts as: its syscalls, its
 * own next_syscall_data, its namespace's ns_last_pid (so the race log names it as the writer).
 * {@link RaceTask} names the task and the namespace by {@link #pid} and {@link #nsInit}, as a
 * {@link procsim.restorer.Creation} does; the port serves only these, so it takes the pid, tid
 * and nsInit of a request to be its own (RaceTaskTest holds RaceTask to naming them).
 * Two implementations: {@link KernelPort}, one in-process kernel (the replay), and a live worker's
 * files of the mount ({@code procsim.race.live.AttachedPort}).
 */
public interface TaskPort extends CreationPort {
    /** The task's root pid (its tid: the task is single-threaded). */
    int pid();

    /** The root pid of the race namespace's init. */
    int nsInit();

    /**
     * Pauses {@code micros} microseconds between a write and the fork it prepares (a plan's gap).
     * The replay has no clock and does not take a gap.
     */
    default void pause(int micros) {
        throw new UnsupportedOperationException("this port has no clock");
    }
}
