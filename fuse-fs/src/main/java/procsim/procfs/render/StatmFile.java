package procsim.procfs.render;

import procsim.procfs.ProcessMemory;

/**
 * /proc/PID/statm (fs/proc/array.c proc_pid_statm, fs/proc/task_mmu.c task_statm), in pages:
 * size (total_vm), resident (anon + file + shmem), shared (file + shmem), text, 0 (lib),
 * data (data_vm + stack_vm), 0 (dt). All 0 for a task without an mm.
 */
public final class StatmFile {
    private StatmFile() {
    }

    public static String render(ProcessMemory mm) {
        if (mm == null) return "0 0 0 0 0 0 0\n";
        long page = ProcessMemory.PAGE_KB;
        return mm.vmSize() / page + " " + mm.vmRss() / page + " "
                + (ProcessMemory.FILE_KB + mm.rssShmem()) / page + " " + ProcessMemory.EXE_KB / page + " 0 "
                + (ProcessMemory.DATA_KB + ProcessMemory.STACK_KB) / page + " 0\n";
    }
}
