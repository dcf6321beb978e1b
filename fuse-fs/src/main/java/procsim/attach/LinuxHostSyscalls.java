package procsim.attach;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link HostSyscalls} from the host's /proc/TID/syscall (fs/proc/base.c proc_pid_syscall): the
 * number of the syscall the thread is blocked in, then its arguments; {@code running} when the
 * thread is not asleep (task_current_syscall's -EAGAIN), {@code -1 ...} outside a syscall. Reading
 * it needs ptrace access to the thread (the daemon runs as root).
 *
 * <p>A FUSE caller sleeps in its syscall until the reply, but the request can reach the daemon
 * just before the caller has gone to sleep: {@code running} is read again, for up to 0.2 s. Whatever
 * cannot be read or parsed counts as "not a readlink", so a doubt refuses the follow, never the
 * other way round. Numbers are the native ABI's (include/uapi/asm-generic/unistd.h,
 * arch/x86/entry/syscalls/syscall_64.tbl); a 32-bit or x32 caller's readlink is refused too.
 */
public final class LinuxHostSyscalls implements HostSyscalls {
    private static final int MAX = 64;
    /**
     * How long "running" is read again before giving up: the caller is about to sleep, but on a
     * loaded machine a caller preempted before it slept may wait for a CPU for milliseconds.
     */
    private static final long RUNNING_PATIENCE_NANOS = 200_000_000L;
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[MAX]);

    private final String procRoot;
    private final int[] readlinkNrs;

    /** The host's /proc, with this machine's architecture's numbers. */
    public LinuxHostSyscalls() {
        this("/proc", readlinkNumbers(System.getProperty("os.arch")));
    }

    /** A /proc-shaped directory and the syscall numbers of readlink and readlinkat (tests). */
    public LinuxHostSyscalls(String procRoot, int... readlinkNrs) {
        this.procRoot = procRoot;
        this.readlinkNrs = readlinkNrs.clone();
    }

    /** x86-64: readlink 89, readlinkat 267; arm64 (asm-generic): readlinkat 78; others: none known. */
    static int[] readlinkNumbers(String arch) {
        return switch (arch) {
            case "amd64", "x86_64" -> new int[] {89, 267};
            case "aarch64" -> new int[] {78};
            default -> new int[0];
        };
    }

    @Override
    public boolean inReadlink(int tid) {
        if (tid <= 0 || readlinkNrs.length == 0) return false;
        byte[] buf = BUFFER.get();
        long deadline = System.nanoTime() + RUNNING_PATIENCE_NANOS;
        for (long pause = 20_000; ; pause = Math.min(pause * 2, 2_000_000)) {
            int n = read(procRoot + "/" + tid + "/syscall", buf);
            if (n <= 0) return false;
            if (buf[0] != 'r') return isReadlink(buf, n);
            if (System.nanoTime() - deadline > 0) return false;
            LockSupport.parkNanos(pause);
        }
    }

    private boolean isReadlink(byte[] buf, int n) {
        long nr = 0;
        int i = 0;
        for (; i < n && buf[i] >= '0' && buf[i] <= '9' && i < 10; i++) nr = nr * 10 + (buf[i] - '0');
        if (i == 0 || i >= n || buf[i] != ' ') return false;
        long found = nr;
        return Arrays.stream(readlinkNrs).anyMatch(r -> r == found);
    }

    private static int read(String path, byte[] buf) {
        try (FileInputStream in = new FileInputStream(path)) {
            return in.read(buf, 0, buf.length);
        } catch (IOException e) {
            return -1;
        }
    }
}
