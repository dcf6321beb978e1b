package procsim.procfs;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import procsim.abi.Errno;
import procsim.kernel.Kernel;
import procsim.syscall.Call;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * Each sim thread's last syscall reply: what task/TID/syscall reads when the open file has no
 * reply of its own. A presentation of the syscall file, so procfs keeps it, not the model; an
 * entry goes when its thread is reaped, as release_task's proc_flush_pid drops its /proc entries.
 */
public final class LastReplies {
    private final Kernel kernel;
    // guarded by the kernel lock (the release listener runs under it)
    private final Map<Task, String> byTask = new HashMap<>();

    LastReplies(Kernel kernel) {
        this.kernel = kernel;
        kernel.write(() -> {
            kernel.tasks().onRelease(byTask::remove);
            return null;
        });
    }

    /** Runs {@code call} as {@code t} (the kernel's syscall) and keeps its result as {@code t}'s last reply. */
    public SyscallResult syscall(Task t, Call call, BooleanSupplier interrupted) {
        SyscallResult r = kernel.syscall(t, call, interrupted);
        record(t, r);
        return r;
    }

    /**
     * {@code r} is {@code t}'s last reply, unless {@code t} has been reaped meanwhile or {@code r}
     * is the ESRCH of a thread that had exited (no syscall ran).
     */
    public void record(Task t, SyscallResult r) {
        kernel.write(() -> {
            if (kernel.tasks().taskOf(t.pid()) != t || (r.errno() == Errno.ESRCH && t.exited())) return null;
            return byTask.put(t, r.text());
        });
    }

    /** The last reply of {@code t}; before its first syscall, fork's 0 in a child and nothing in init. */
    public String of(Task t) {
        String text = kernel.read(() -> byTask.get(t));
        if (text != null) return text;
        return t == kernel.tasks().init() ? "" : "0";
    }

    /** How many threads have a reply kept. */
    int held() {
        return kernel.read(byTask::size);
    }
}
