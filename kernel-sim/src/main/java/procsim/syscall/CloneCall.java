package procsim.syscall;

import procsim.abi.CloneFlags;
import procsim.task.Task;

/**
 * A decoded fork, vfork, clone, clone3 or eclone line, whose clone flags are known before it runs:
 * so a caller can tell whether it will make a child process ({@link #makesChildProcess}).
 */
public record CloneCall(long flags, Call body) implements Call {
    /** Neither a thread (CLONE_THREAD) nor a sibling (CLONE_PARENT): a new process whose parent is the caller's. */
    public boolean makesChildProcess() {
        return (flags & (CloneFlags.CLONE_THREAD | CloneFlags.CLONE_PARENT)) == 0;
    }

    @Override
    public SyscallResult run(SyscallContext kernel, Task caller) throws InterruptedException {
        return body.run(kernel, caller);
    }
}
