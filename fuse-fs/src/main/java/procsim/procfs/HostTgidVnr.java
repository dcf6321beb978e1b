package procsim.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntUnaryOperator;

/**
 * A host thread's process id as its own (innermost) pid namespace numbers it, what getpid()
 * returns to it (task_tgid_vnr): the last field of {@code NStgid:} in the host's
 * {@code /proc/<tid>/status}; 0 when the thread is gone or the line is missing.
 */
public final class HostTgidVnr implements IntUnaryOperator {
    private final String procRoot;

    public HostTgidVnr() {
        this("/proc");
    }

    public HostTgidVnr(String procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public int applyAsInt(int hostTid) {
        try {
            for (String line : Files.readAllLines(Path.of(procRoot, Integer.toString(hostTid), "status"))) {
                if (!line.startsWith("NStgid:")) continue;
                String[] f = line.substring(7).trim().split("\\s+");
                return Integer.parseInt(f[f.length - 1]);
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
