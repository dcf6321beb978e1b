package procsim.procfs.render;

import procsim.procfs.SystemSnapshot;

/**
 * /proc/stat (fs/proc/stat.c show_stat): the {@code cpu} sum and one {@code cpuN} line (user nice
 * system idle iowait irq softirq steal guest guest_nice, in USER_HZ ticks), {@code intr},
 * {@code ctxt}, {@code btime}, {@code processes}, {@code procs_running}, {@code procs_blocked} and
 * {@code softirq} with its NR_SOFTIRQS (10) columns.
 * Deviation: one sim CPU, idle since boot (idle = uptime); no interrupts (no per-irq columns after
 * {@code intr 0}), no context switches (ctxt 0), no softirqs, nothing blocked on I/O.
 */
public final class KernelStatFile {
    /** include/linux/interrupt.h NR_SOFTIRQS */
    static final int NR_SOFTIRQS = 10;

    private KernelStatFile() {
    }

    public static String render(SystemSnapshot s) {
        String cpu = " 0 0 0 " + s.uptimeTicks() + " 0 0 0 0 0 0\n";
        return "cpu " + cpu
                + "cpu0" + cpu
                + "intr 0\n"
                + "ctxt 0\n"
                + "btime " + s.bootTime() + "\n"
                + "processes " + s.forks() + "\n"
                + "procs_running " + s.running() + "\n"
                + "procs_blocked 0\n"
                + "softirq 0" + " 0".repeat(NR_SOFTIRQS) + "\n";
    }
}
