package procsim.abi;

/** The per-task PF_* flags procsim models (include/linux/sched.h), shown in stat field 9. */
public final class TaskFlags {
    /** Getting shut down. */
    public static final int PF_EXITING = 0x00000004;
    /** Forked but did not exec. */
    public static final int PF_FORKNOEXEC = 0x00000040;
    /** Used super-user privileges (set by ns_capable when a check succeeds). */
    public static final int PF_SUPERPRIV = 0x00000100;
    /** Randomize virtual address space: what every user process shows. */
    public static final int PF_RANDOMIZE = 0x00400000;

    private TaskFlags() {
    }
}
