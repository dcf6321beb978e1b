package procsim.attach;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.Arrays;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * {@link HostProcesses} read from the host's real /proc: {@code /proc/<tid>/status} for
 * {@code Tgid:}, {@code PPid:} and {@code NStgid:} (fs/proc/array.c {@code task_state}), {@code /proc/<pid>/stat} for the parent
 * (field 4), the session (field 6) and the start time (field 22, clock ticks since boot) (fs/proc/array.c
 * {@code do_task_stat}). A thread's directory is reachable as {@code /proc/<tid>} even though
 * /proc does not list it.
 *
 * <p>Runs on every FUSE request, so it reads only the first bytes of each file into a per-thread
 * buffer and parses numbers straight from the bytes. A process that is gone (or goes while being
 * read) gives an empty answer, never an exception.
 */
public final class LinuxHostProcesses implements HostProcesses {
    /** Tgid and PPid are the 4th and 7th lines of status (after Name, Umask, State; Ngid, Pid): 512 bytes hold them. */
    private static final int STATUS_PREFIX = 512;
    /** stat is one line of about 300 bytes; comm is at most 64 bytes escaped. */
    private static final int STAT_MAX = 1024;

    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[STAT_MAX]);
    private static final byte[] TGID = "\nTgid:".getBytes();
    private static final byte[] PPID = "\nPPid:".getBytes();
    private static final byte[] NSTGID = "\nNStgid:".getBytes();

    private final String procRoot;

    /** The host's /proc. */
    public LinuxHostProcesses() {
        this("/proc");
    }

    /** A /proc-shaped directory (tests use a fake one). */
    public LinuxHostProcesses(String procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public OptionalInt tgidOf(int tid) {
        byte[] buf = BUFFER.get();
        long v = statusField(buf, readStatus(tid, buf), TGID);
        return v < 0 ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    /**
     * One read of status: {@code PPid:} is the real parent's tgid for any thread of the process
     * (task_state: task_tgid_nr_ns(real_parent); copy_process gives a CLONE_THREAD child
     * current->real_parent, kernel/fork.c), as stat's field 4 is.
     */
    @Override
    public Ids idsOf(int tid) {
        byte[] buf = BUFFER.get();
        int n = readStatus(tid, buf);
        long tgid = statusField(buf, n, TGID);
        return tgid < 0 ? null : new Ids((int) tgid, (int) Math.max(0, statusField(buf, n, PPID)));
    }

    /** The first bytes of {@code /proc/<tid>/status}, which hold Tgid and PPid: their length, 0 if none. */
    private int readStatus(int tid, byte[] buf) {
        return tid <= 0 ? 0 : readPrefix(procRoot + "/" + tid + "/status", buf, STATUS_PREFIX);
    }

    /** The number of status line {@code key}, -1 if there is none. */
    private static long statusField(byte[] buf, int n, byte[] key) {
        int at = indexOf(buf, n, key);
        return at < 0 ? -1 : parseNumber(buf, n, at + key.length);
    }

    /** NStgid comes after Groups, whose length varies: the whole buffer is read for it. */
    @Override
    public OptionalInt tgidVnrOf(int tid) {
        int[] ids = nsTgidsOf(tid);
        return ids == null || ids.length == 0 ? OptionalInt.empty() : OptionalInt.of(ids[ids.length - 1]);
    }

    /** {@code /proc/<tid>/task/<tid>/children}: one number per child, each followed by a blank. */
    @Override
    public int[] childrenOf(int tid) {
        if (tid <= 0) return null;
        byte[] buf = BUFFER.get();
        int[] pids = new int[16];
        int count = 0;
        try (FileInputStream in = new FileInputStream(procRoot + "/" + tid + "/task/" + tid + "/children")) {
            int kept = 0; // a number cut by the end of a read, moved to the front
            for (int r; (r = in.read(buf, kept, buf.length - kept)) > 0; ) {
                int n = kept + r, at = 0;
                for (int end = 0; end < n; end++) {
                    if (buf[end] != ' ') continue;
                    if (count == pids.length) pids = Arrays.copyOf(pids, 2 * count);
                    pids[count++] = (int) parseNumber(buf, end + 1, at);
                    at = end + 1;
                }
                kept = n - at;
                System.arraycopy(buf, at, buf, 0, kept);
            }
        } catch (IOException e) {
            return null;
        }
        return Arrays.copyOf(pids, count);
    }

    /** {@code /proc/<tid>/task}'s entries: every thread of the process, whichever thread's id names it. */
    @Override
    public int[] threadsOf(int tid) {
        String[] names = tid <= 0 ? null : new File(procRoot + "/" + tid + "/task").list();
        if (names == null) return null;
        int[] tids = new int[names.length];
        int count = 0;
        for (String name : names) {
            try {
                tids[count] = Integer.parseInt(name);
                count++;
            } catch (NumberFormatException e) {
                // not a thread's entry (task/ holds only numbers)
            }
        }
        return Arrays.copyOf(tids, count);
    }

    /**
     * NStgid's fields (after Groups, whose length varies: the whole buffer is read), parsed from the
     * bytes as the other fields are: the fixed view's readers ask for it ({@link #tgidVnrOf}).
     */
    @Override
    public int[] nsTgidsOf(int tid) {
        if (tid <= 0) return null;
        byte[] buf = BUFFER.get();
        int n = readPrefix(procRoot + "/" + tid + "/status", buf, buf.length);
        int at = indexOf(buf, n, NSTGID);
        if (at < 0) return null;
        int end = at + NSTGID.length;
        while (end < n && buf[end] != '\n') end++;
        if (end >= n) return null; // the line was cut: no number to trust
        int[] ids = new int[8];
        int count = 0;
        for (int i = at + NSTGID.length; i < end; ) {
            while (i < end && (buf[i] == '\t' || buf[i] == ' ')) i++;
            if (i == end) break;
            long v = parseNumber(buf, end + 1, i);
            if (v < 0) return null;
            if (count == ids.length) ids = Arrays.copyOf(ids, 2 * count);
            ids[count++] = (int) v;
            while (i < end && buf[i] != '\t' && buf[i] != ' ') i++;
        }
        return count == 0 ? null : Arrays.copyOf(ids, count);
    }

    @Override
    public OptionalInt parentOf(int pid) {
        long v = statField(pid, 4);
        return v < 0 ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    @Override
    public OptionalInt sessionOf(int pid) {
        long v = statField(pid, 6);
        return v < 0 ? OptionalInt.empty() : OptionalInt.of((int) v);
    }

    @Override
    public OptionalLong startTimeOf(int pid) {
        long v = statField(pid, 22);
        return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** {@code /proc/<id>} is there: a stat(2), which throws nothing when it fails. */
    @Override
    public boolean exists(int id) {
        return id > 0 && new File(procRoot + "/" + id).exists();
    }

    /**
     * An open {@code /proc/<id>/comm}: its inode holds the task's struct pid, not the number
     * (fs/proc/internal.h get_proc_task: get_pid_task(proc_pid(inode), PIDTYPE_PID)), so once that
     * task is gone a read fails with ESRCH (fs/proc/base.c comm_show), even after the number was
     * given to a new process. A read of a few bytes, no open and no stat rendered: what
     * a bound caller's every request costs.
     */
    @Override
    public Pin pin(int id) {
        if (id <= 0) return null;
        RandomAccessFile comm;
        try {
            comm = new RandomAccessFile(procRoot + "/" + id + "/comm", "r");
        } catch (IOException e) {
            return null;
        }
        // not a FileChannel: an interrupt of the reading thread would close it, and so end the binding
        return new Pin() {
            @Override
            public synchronized boolean alive() {
                try {
                    comm.seek(0);
                    return comm.read(BUFFER.get(), 0, 64) >= 0;
                } catch (IOException gone) { // ESRCH, or closed
                    return false;
                }
            }

            @Override
            public synchronized void close() {
                try {
                    comm.close();
                } catch (IOException ignored) {
                    // nothing to release twice
                }
            }
        };
    }

    /**
     * Field {@code field} (1-based, as proc(5) counts) of {@code /proc/<pid>/stat}, for a field
     * after the comm; -1 if unreadable. The comm may hold spaces and ')' itself, so the fields are
     * counted from the last ')'.
     */
    private long statField(int pid, int field) {
        if (pid <= 0) {
            return -1;
        }
        byte[] buf = BUFFER.get();
        int n = readPrefix(procRoot + "/" + pid + "/stat", buf, buf.length);
        int close = -1;
        for (int i = n - 1; i >= 0; i--) {
            if (buf[i] == ')') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return -1;
        }
        // After ')' comes " S ppid ...": field 3 is the state; skip to the wanted field.
        int i = close + 1;
        for (int f = 3; f <= field; f++) {
            while (i < n && buf[i] == ' ') {
                i++;
            }
            if (i >= n) {
                return -1;
            }
            if (f == field) {
                return parseNumber(buf, n, i);
            }
            while (i < n && buf[i] != ' ' && buf[i] != '\n') {
                i++;
            }
        }
        return -1;
    }

    /** Reads up to {@code max} bytes from the start of a file; 0 if it cannot be read. */
    private static int readPrefix(String path, byte[] buf, int max) {
        try (FileInputStream in = new FileInputStream(path)) {
            int n = 0;
            while (n < max) {
                int r = in.read(buf, n, max - n);
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            return n;
        } catch (IOException e) {
            return 0; // gone (ENOENT), or exited while being read (ESRCH)
        }
    }

    private static int indexOf(byte[] buf, int n, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= n; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A non-negative decimal number at {@code from}, after blanks and ended by one; -1 if there is none. */
    private static long parseNumber(byte[] buf, int n, int from) {
        int i = from;
        while (i < n && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        long v = 0;
        int start = i;
        while (i < n && buf[i] >= '0' && buf[i] <= '9') {
            if (i - start >= 18) {
                return -1; // no pid or tick count is that long
            }
            v = v * 10 + (buf[i] - '0');
            i++;
        }
        // Proc files end every number with a blank or newline; a number running into the end of
        // the data was cut off by the buffer, and a number followed by anything else is not one.
        if (i == start || i == n || (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\t')) {
            return -1;
        }
        return v;
    }
}
