package procsim.syscall;

import procsim.ipc.Msg;
import procsim.ipc.Sem;
import procsim.ipc.Shm;
import procsim.task.TaskSet;

/**
 * What a running syscall reaches besides its caller: the tasks and SysV IPC (what Linux's
 * syscalls find as globals). The kernel implements it and runs every {@link Call} under its lock.
 */
public interface SyscallContext {
    TaskSet tasks();

    Msg msg();

    Sem sem();

    Shm shm();
}
