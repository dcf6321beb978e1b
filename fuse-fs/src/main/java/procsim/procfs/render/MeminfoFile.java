package procsim.procfs.render;

/**
 * /proc/meminfo (fs/proc/meminfo.c meminfo_proc_show): the lines procps-ng's free, top and ps
 * read, in Linux's order, each {@code show_val_kb}: the 16-column label, the value in kB at least
 * 8 wide, {@code " kB"}.
 * Deviation: the sim has no pages (its shm segments show rss 0 in /proc/sysvipc/shm too): a fixed
 * MemTotal, all of it free and available, no swap.
 */
public final class MeminfoFile {
    /** The sim machine's memory, 1 GiB. */
    public static final long MEM_TOTAL_KB = 1L << 20;

    private static final String[] ZERO = {"Buffers", "Cached", "SwapCached", "Active", "Inactive", "SwapTotal",
        "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable",
        "SUnreclaim"};

    private MeminfoFile() {
    }

    public static String render() {
        StringBuilder b = new StringBuilder();
        line(b, "MemTotal", MEM_TOTAL_KB);
        line(b, "MemFree", MEM_TOTAL_KB);
        line(b, "MemAvailable", MEM_TOTAL_KB);
        for (String name : ZERO) line(b, name, 0);
        line(b, "CommitLimit", MEM_TOTAL_KB / 2);
        line(b, "Committed_AS", 0);
        return b.toString();
    }

    private static void line(StringBuilder b, String name, long kb) {
        b.append(String.format("%-16s%8d kB\n", name + ":", kb));
    }
}
