package procsim.restorer;

import java.util.List;

/**
 * What a restore does to a kernel, with no file paths: the {@link CreationPort}'s task creation,
 * the IPC namespace's {@code *_next_id}, and the few reads a restore needs about tasks already
 * there. Tasks are named by their root pid namespace numbers (the operator's view).
 * {@link MountPort} serves it through a mount's files. A port never throws for a failed syscall:
 * the {@link Reply} says the errno.
 */
public interface RestorerPort extends CreationPort, AutoCloseable {
    /**
     * What a task already there looks like, as its status shows it: its comm, parent, NSpid
     * (outermost first), Uid and Gid (real, effective, saved, filesystem), capability sets, its
     * process's ignored and caught signals (SigIgn, SigCgt: 16 hex digits), the signals it blocks
     * (SigBlk) and those pending for its process (ShdPnd).
     */
    record TaskInfo(String comm, int ppid, List<Integer> nspid, List<Long> uid, List<Long> gid, Image.Caps caps,
                    String sigIgn, String sigCgt, String sigBlk, String shdPnd) {
    }

    /** Writes {@code id} to {@code msg_next_id}, {@code sem_next_id} or {@code shm_next_id} ({@code kind} msg, sem, shm). */
    Reply writeNextId(String kind, long id);

    /**
     * ns_last_pid of the namespace whose init is root pid {@code nsInit} holds {@code value} already
     * (the restore's last fork there gave it), so it is not written: a dry run says so.
     */
    default void nsLastPidHolds(int nsInit, long value) {
    }

    /** The task with root pid {@code pid}, or null if there is none. */
    TaskInfo task(int pid);

    /**
     * A live process whose process group or session is root pid {@code pid} (status's NSpgid and
     * NSsid, outermost first), or null: such a pid stays taken after its task is reaped (kernel/pid.c frees a pid at its
     * last use, PIDTYPE_PGID and PIDTYPE_SID too). Asked only to explain a failed creation.
     */
    GroupUser groupUser(int pid);

    /** Process {@code pid} is in the process group, or the session ({@code session}), a pid names. */
    record GroupUser(int pid, boolean session) {
    }

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
