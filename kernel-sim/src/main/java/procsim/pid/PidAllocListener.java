package procsim.pid;

/**
 * An observer of one pid namespace's number allocator: its ns_last_pid writes and the numbers its
 * cyclic allocator hands out, each with the thread that caused it. procsim's own hook (Linux has
 * none; the race lab's recorder is what listens). Called under the kernel lock, in the order
 * things happen; a listener must not change the namespace.
 */
public interface PidAllocListener {
    /** ns_last_pid of {@code ns} was set to {@code value} by the thread with pid {@code writer} (null: the operator). */
    default void lastPidWritten(PidNamespace ns, Pid writer, int value) {
    }

    /**
     * The cyclic allocator of {@code ns} gave {@code nr} to a task forked by the thread with pid
     * {@code forker} (copy_process's current). A number asked for (set_tid, eclone,
     * next_syscall_data) is not cyclic and not told.
     */
    default void pidAllocated(PidNamespace ns, int nr, Pid forker) {
    }

    /** The listener to attach to {@code child}, a namespace just made below this one's; null for none. */
    default PidAllocListener forChild(PidNamespace child) {
        return null;
    }
}
