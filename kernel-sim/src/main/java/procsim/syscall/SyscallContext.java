package procsim.syscall;

import procsim.ipc.SysvIpc;
import procsim.task.TaskSet;

/**
 * What a running syscall reaches besides its caller: the tasks and SysV IPC (what Linux's
 * syscalls find as globals). The kernel implements it and runs every {@link Call} under its lock.
 */
public interface SyscallContext {
    TaskSet tasks();

    SysvIpc ipc();
}
