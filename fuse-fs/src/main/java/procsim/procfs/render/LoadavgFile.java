package procsim.procfs.render;

import procsim.procfs.SystemSnapshot;

/**
 * /proc/loadavg (fs/proc/loadavg.c loadavg_proc_show): {@code "%lu.%02lu %lu.%02lu %lu.%02lu
 * %ld/%d %d\n"}: the 1, 5 and 15 minute load averages, nr_running/nr_threads, and the last pid
 * of the reader's own pid namespace.
 * Deviation: no sim task ever runs, so the load averages are 0.00.
 */
public final class LoadavgFile {
    private LoadavgFile() {
    }

    public static String render(SystemSnapshot s) {
        return "0.00 0.00 0.00 " + s.running() + "/" + s.threads() + " " + s.lastPid() + "\n";
    }
}
