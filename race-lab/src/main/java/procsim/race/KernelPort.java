package procsim.race;

import procsim.abi.SysError;
import procsim.kernel.Kernel;
import procsim.pid.PidNamespace;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/** The restorer port of one task of an in-process kernel: each call atomic under the kernel lock. */
public final class KernelPort implements RestorerPort {
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
    public String writeNsLastPid(String text) {
        return errno(() -> kernel.writeNsLastPid(task, ns, text));
    }

    @Override
    public String writeNextSyscallData(String text) {
        return errno(() -> kernel.writeNextSyscallData(task, task, text, 0));
    }

    /** Null if {@code write} succeeds, else its errno's name. */
    private static String errno(Runnable write) {
        try {
            write.run();
            return null;
        } catch (SysError e) {
            return e.errno().name();
        }
    }

    @Override
    public Reply call(String line) {
        SyscallResult r = kernel.syscall(task, line);
        return new Reply(r.value(), r.failed() ? r.errno().name() : null, r.text());
    }
}
