package procsim.procfs;

import java.util.List;

import procsim.ipc.ShmMapping;

/**
 * One model of a process's memory (its mm), read alike by status (fs/proc/task_mmu.c task_mem),
 * stat (vsize, rss) and statm (task_statm), all in kB here.
 * Deviation: the sim has no address space. Every process is the same small program (text,
 * libraries, data and stack of fixed sizes, partly resident), to which its SysV shm attaches,
 * the only mappings the sim has (maps), add their whole size to VmSize and RssShmem, as if
 * every attached page had been touched. No history is kept: VmPeak is VmSize, VmHWM is VmRSS.
 */
public record ProcessMemory(long shmKb) {
    /** The program's image, in kB: the sizes of a small dynamically linked tool on 6.18. */
    public static final long EXE_KB = 20;
    public static final long LIB_KB = 1528;
    public static final long DATA_KB = 360;
    public static final long STACK_KB = 132;
    public static final long ANON_KB = 112;
    public static final long FILE_KB = 1644;
    public static final long PTE_KB = 40;
    /** PAGE_SIZE / 1024 */
    public static final long PAGE_KB = 4;

    /** The memory of a process with these shm attaches. */
    public static ProcessMemory of(List<ShmMapping> attaches) {
        long bytes = 0;
        for (ShmMapping m : attaches) bytes += m.end() - m.start();
        return new ProcessMemory(bytes >> 10);
    }

    /** total_vm */
    public long vmSize() {
        return EXE_KB + LIB_KB + DATA_KB + STACK_KB + shmKb;
    }

    /** get_mm_rss: anon + file + shmem */
    public long vmRss() {
        return ANON_KB + FILE_KB + shmKb;
    }

    public long rssShmem() {
        return shmKb;
    }
}
