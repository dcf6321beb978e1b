package procsim.race;

import procsim.abi.SysError;
import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;
import procsim.restorer.Reply;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * The port of one task of an in-process kernel: each call atomic under the kernel lock. It has
 * every reply at no cost, so {@link #send} returns it (the replay's log shows it).
 */
public final class KernelPort implements TaskPort {
    private final Kernel kernel;
    private final Task task;
    private final PidNamespace ns;

    /** {@code task} acting in {@code ns}, the namespace whose ns_last_pid it writes. */
    public KernelPort(Kernel kernel, Task task, PidNamespace ns) {
        this.kernel = kernel;
        this.task = task;
        this.ns = ns;
    }

    @Override
    public int pid() {
        return task.pid().numberAtLevel(0);
    }

    @Override
    public int nsInit() {
        return ns.lookup(1).numberAtLevel(0);
    }

    @Override
    public Reply writeNsLastPid(int nsInit, long value) {
        return errno(() -> kernel.writeNsLastPid(task, ns, value + "\n"));
    }

    @Override
    public Reply writeNextSyscallData(int pid, int tid, String text) {
        return errno(() -> kernel.writeNextSyscallData(task, task, text + "\n", 0));
    }

    /** {@link Reply#DONE} if {@code write} succeeds, else its errno. */
    private static Reply errno(Runnable write) {
        try {
            write.run();
            return Reply.DONE;
        } catch (SysError e) {
            return Reply.error(e.errno().name());
        }
    }

    @Override
    public Reply call(int pid, int tid, String line, long expect) {
        SyscallResult r = kernel.syscall(task, line);
        return new Reply(r.value(), r.failed() ? r.errno().name() : null, r.text());
    }

    @Override
    public Reply send(int pid, int tid, String line) {
        return call(pid, tid, line, 0);
    }
}
