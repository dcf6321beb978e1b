package procsim.procfs.render;

import procsim.procfs.SystemSnapshot;

/**
 * /proc/uptime (fs/proc/uptime.c uptime_proc_show): {@code "%lu.%02lu %lu.%02lu\n"}, seconds
 * since boot and the CPUs' summed idle time, both from the sim clock.
 * Deviation: the one sim CPU is always idle, so idle equals uptime.
 */
public final class UptimeFile {
    private UptimeFile() {
    }

    public static String render(SystemSnapshot s) {
        String t = seconds(s.uptimeTicks());
        return t + " " + t + "\n";
    }

    /** USER_HZ ticks as {@code %lu.%02lu} seconds. */
    static String seconds(long ticks) {
        long cs = ticks % 100;
        return ticks / 100 + (cs < 10 ? ".0" : ".") + cs;
    }
}
