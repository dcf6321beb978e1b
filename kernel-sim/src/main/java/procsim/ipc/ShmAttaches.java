package procsim.ipc;

import java.util.List;
import java.util.TreeMap;

/** A process's (mm's) shm attaches by address: its SysV shm vmas. Changed under the kernel lock. */
public final class ShmAttaches {
    // guarded by the kernel lock
    final TreeMap<Long, ShmMapping> byStart = new TreeMap<>();

    /** The attaches in address order (what /proc/PID/maps shows of them). */
    public List<ShmMapping> mappings() {
        return List.copyOf(byStart.values());
    }
}
