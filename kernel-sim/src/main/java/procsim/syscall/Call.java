package procsim.syscall;

import procsim.task.Task;

/** A parsed, fully decoded syscall, ready to run under the kernel lock as {@code caller}. */
@FunctionalInterface
public interface Call {
    SyscallResult run(SyscallContext kernel, Task caller) throws InterruptedException;
}
