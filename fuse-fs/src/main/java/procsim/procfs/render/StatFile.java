package procsim.procfs.render;

import procsim.abi.TaskFlags;
import procsim.procfs.ProcessMemory;
import procsim.procfs.TaskSnapshot;

/**
 * /proc/PID/stat (fs/proc/array.c do_task_stat): one line of 52 space-separated fields, the
 * comm raw in parentheses. vsize and rss come from the {@link ProcessMemory} status shows.
 * Deviation: the fields the sim does not model are 0 (times, faults, blocked signals, tty, processor;
 * rsslim is RLIM_INFINITY), and the addresses are shown as to a reader who may not ptrace the
 * task (startcode and endcode 1, the others and wchan 0): the sim has no address-space layout.
 */
public final class StatFile {
    private StatFile() {
    }

    public static String render(TaskSnapshot s) {
        StringBuilder b = new StringBuilder(200);
        b.append(s.pid()).append(" (").append(s.comm()).append(") ").append(s.state().letter());
        b.append(' ').append(s.ppid()).append(' ').append(s.pgrp()).append(' ').append(s.session());
        // flags: PF_RANDOMIZE as every user process, PF_FORKNOEXEC, PF_SUPERPRIV and PF_EXITING as earned
        b.append(" 0 -1 ").append(TaskFlags.PF_RANDOMIZE | s.flags());
        b.append(" 0 0 0 0"); // minflt cminflt majflt cmajflt
        b.append(" 0 0 0 0"); // utime stime cutime cstime
        b.append(" 20 0 ").append(s.threads()).append(" 0 ").append(s.startTime());
        ProcessMemory mm = s.mm();
        b.append(' ').append(mm == null ? 0 : mm.vmSize() * 1024); // vsize: task_vsize, bytes
        b.append(' ').append(mm == null ? 0 : mm.vmRss() / ProcessMemory.PAGE_KB); // rss: get_mm_rss, pages
        b.append(" 18446744073709551615"); // rsslim
        // startcode endcode: mm ? (permitted ? mm->start_code : 1) : 0; startstack kstkesp kstkeip
        b.append(mm == null ? " 0 0" : " 1 1").append(" 0 0 0");
        // signal blocked sigignore sigcatch: the first word of each & 0x7fffffff (signal is the
        // thread's own pending set, tkill's; kill's queue for the process, ShdPnd)
        b.append(' ').append(s.sigPnd() & 0x7fffffffL).append(' ').append(s.sigBlk() & 0x7fffffffL).append(' ').append(s.sigIgn() & 0x7fffffffL).append(' ').append(s.sigCgt() & 0x7fffffffL);
        b.append(" 0 0 0 ").append(s.exitSignal()); // wchan nswap cnswap exit_signal
        b.append(" 0 0 0 0 0 0"); // processor rt_priority policy delayacct_blkio gtime cgtime
        b.append(" 0 0 0 0 0 0 0 ").append(s.exitCode()).append('\n');
        return b.toString();
    }
}
