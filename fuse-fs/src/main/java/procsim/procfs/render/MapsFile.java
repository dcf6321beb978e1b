package procsim.procfs.render;

import java.util.List;

import procsim.ipc.ShmMapping;

/**
 * /proc/PID/maps (fs/proc/task_mmu.c show_map_vma) for the mappings the sim has: SysV shm
 * attaches, shown as Linux shows them: {@code start-end rw-s 00000000 00:01 <shmid>}, padded to
 * column 73, then {@code /SYSV<key as %08x> (deleted)}.
 * Deviation: the sim has no other mappings (no text, heap, stack or libraries).
 */
public final class MapsFile {
    /** seq_setwidth(m, 25 + sizeof(void *) * 6 - 1) on 64-bit */
    private static final int PAD = 72;

    private MapsFile() {
    }

    public static String render(List<ShmMapping> mappings) {
        StringBuilder b = new StringBuilder();
        for (ShmMapping m : mappings) {
            int from = b.length();
            b.append(hex8(m.start())).append('-').append(hex8(m.end())).append(' ')
                    .append(m.readOnly() ? "r--s" : "rw-s").append(" 00000000 00:01 ").append(m.segment().id()).append(' ');
            while (b.length() - from < PAD) b.append(' ');
            b.append(' ').append(String.format("/SYSV%08x (deleted)", m.segment().key())).append('\n');
        }
        return b.toString();
    }

    private static String hex8(long v) {
        String h = Long.toHexString(v);
        return h.length() >= 8 ? h : "0".repeat(8 - h.length()) + h;
    }
}
