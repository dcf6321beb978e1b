package procsim.procfs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import procsim.abi.Errno;
import procsim.kernel.Kernel;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * Each sim thread's last syscall reply: what task/TID/syscall reads when the open file has no
 * reply of its own. A presentation of the syscall file, so procfs keeps it, not the model; an
 * entry goes when its thread is reaped, as release_task's proc_flush_pid drops its /proc entries.
 */
public final class LastReplies {
    private final Kernel kernel;
    private final Map<Task, String> byTask = new ConcurrentHashMap<>();

    LastReplies(Kernel kernel) {
        this.kernel = kernel;
        kernel.write(() -> {
            kernel.tasks().onRelease(byTask::remove);
            return null;
        });
    }

    /**
     * {@code r} is {@code t}'s last reply, unless it is the ESRCH of a thread that had exited (no
     * syscall ran); dropped at once if {@code t} was reaped meanwhile.
     */
    public void record(Task t, SyscallResult r) {
        if (r.errno() == Errno.ESRCH && kernel.read(t::exited)) return;
        byTask.put(t, r.text());
        if (kernel.read(() -> kernel.tasks().taskOf(t.pid()) != t)) byTask.remove(t);
    }

    /** The last reply of {@code t}; before its first syscall, fork's 0 in a child and nothing in init. */
    public String of(Task t) {
        String text = byTask.get(t);
        if (text != null) return text;
        return t == kernel.tasks().init() ? "" : "0";
    }

    /** How many threads have a reply kept. */
    int held() {
        return byTask.size();
    }
}
