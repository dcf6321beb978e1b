package procsim.procfs;

import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;

/**
 * What the root-level files (/proc/stat, uptime, loadavg) show of the whole sim, copied under
 * the kernel's read lock. {@code lastPid} is the viewer's pid namespace's (loadavg's last field
 * is task_active_pid_ns(current)'s idr cursor - 1); the rest is global, as in Linux.
 *
 * @param bootTime    wall-clock seconds at boot (btime)
 * @param uptimeTicks USER_HZ ticks since boot, the clock stat's start_time counts in
 * @param forks       total_forks: every task made since boot, threads and init included
 * @param threads     nr_threads: tasks alive or zombie
 * @param running     nr_running
 * @param lastPid     the viewer's namespace's last allocated pid (-1 before the first)
 */
public record SystemSnapshot(long bootTime, long uptimeTicks, long forks, int threads, int running, int lastPid) {

    /** Callers hold the kernel's read lock. */
    public static SystemSnapshot of(Kernel kernel, PidNamespace viewer) {
        PidNamespace root = kernel.tasks().rootPidNs();
        // Deviation: sim tasks never run (no scheduler), so nr_running is 0; Linux's counts the reader.
        return new SystemSnapshot(kernel.bootTime(), kernel.ticks(), root.totalAllocated(), kernel.tasks().liveTasks(), 0,
                viewer.lastPid());
    }
}
