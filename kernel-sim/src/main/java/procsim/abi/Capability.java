package procsim.abi;

/** include/uapi/linux/capability.h numbers of the capabilities procsim checks. */
public final class Capability {
    public static final int CAP_KILL = 5;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_IPC_OWNER = 15;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_CHECKPOINT_RESTORE = 40;
    /** CAP_LAST_CAP on 5.9+ */
    public static final int CAP_LAST_CAP = 40;
    /** Every capability: what root holds. */
    public static final long ALL = (1L << (CAP_LAST_CAP + 1)) - 1;

    private Capability() {
    }
}
