package procsim.restorer;

/**
 * What making a task takes from a kernel, with no file paths: a thread's syscalls, its
 * next_syscall_data, a pid namespace's ns_last_pid. {@link RestoreMethod} creates tasks through
 * it, for a restore ({@link RestorerPort}, which adds the restore's own writes and reads) and for
 * the race lab's restorers (an in-process kernel, or an attached thread's files of a mount). Tasks
 * are named by their root pid namespace numbers. A port never throws for a failed syscall: the
 * {@link Reply} says the errno.
 */
public interface CreationPort {
    /**
     * Thread {@code tid} of process {@code pid} makes the syscall {@code line}; its reply.
     * {@code expect} is the reply a dry run assumes.
     */
    Reply call(int pid, int tid, String line, long expect);

    /**
     * The same, when only a failure's reply matters: a success's reply need not be read
     * ({@link Reply#DONE}); a port that has it at no cost (an in-process kernel) may return it.
     */
    Reply send(int pid, int tid, String line);

    /** Writes {@code text} ({@code LONG2 500 7}) to the thread's next_syscall_data. */
    Reply writeNextSyscallData(int pid, int tid, String text);

    /**
     * Writes {@code value} to ns_last_pid of the pid namespace whose init is root pid
     * {@code nsInit} (1: the root namespace), as a task of that namespace would.
     */
    Reply writeNsLastPid(int nsInit, long value);
}
