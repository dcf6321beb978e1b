package procsim.restorer;

import java.util.List;

/**
 * What a restore does to a kernel, with no file paths: a task's syscalls, its next_syscall_data,
 * a pid namespace's ns_last_pid, the IPC namespace's {@code *_next_id}, and the few reads a
 * restore needs about tasks already there. Tasks are named by their root pid namespace numbers
 * (the operator's view). {@link MountPort} serves it through a mount's files; the race lab serves
 * it from an in-process kernel. A port never throws for a failed syscall: the {@link Reply} says
 * the errno.
 */
public interface RestorerPort extends AutoCloseable {
    /** What a task already there looks like: its comm, parent, NSpid (outermost first) and bounding set (CapBnd). */
    record TaskInfo(String comm, int ppid, List<Integer> nspid, String capBnd) {
    }

    /**
     * Thread {@code tid} of process {@code pid} makes the syscall {@code line}; its reply.
     * {@code expect} is the reply a dry run assumes.
     */
    Reply call(int pid, int tid, String line, long expect);

    /**
     * The same, when only a failure's reply matters: on success the reply is not read
     * ({@link Reply#DONE}).
     */
    Reply send(int pid, int tid, String line);

    /** Writes {@code text} ({@code LONG2 500 7}) to the thread's next_syscall_data. */
    Reply writeNextSyscallData(int pid, int tid, String text);

    /**
     * Writes {@code value} to ns_last_pid of the pid namespace whose init is root pid
     * {@code nsInit} (1: the root namespace), as a task of that namespace would.
     */
    Reply writeNsLastPid(int nsInit, long value);

    /** Writes {@code id} to {@code msg_next_id}, {@code sem_next_id} or {@code shm_next_id} ({@code kind} msg, sem, shm). */
    Reply writeNextId(String kind, long id);

    /** The task with root pid {@code pid}, or null if there is none. */
    TaskInfo task(int pid);

    /** Process {@code pid}'s open fds, what its children inherit. */
    List<Image.Fd> fds(int pid);

    /** Process {@code pid}'s SysV shm attaches, what its children inherit. */
    List<Image.ShmAttach> shmAttaches(int pid);

    /** Process {@code pid}'s argv (its cmdline), what its children inherit. */
    List<String> argv(int pid);

    /** Ends what the port keeps open (syscall files, restorers attached inside namespaces). */
    @Override
    void close();
}
