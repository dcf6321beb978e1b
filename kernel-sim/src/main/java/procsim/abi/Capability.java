package procsim.abi;

/**
 * include/uapi/linux/capability.h numbers of the capabilities procsim checks, and the
 * include/uapi/linux/securebits.h bit procsim models.
 */
public final class Capability {
    public static final int CAP_KILL = 5;
    public static final int CAP_SETGID = 6;
    public static final int CAP_SETUID = 7;
    public static final int CAP_SETPCAP = 8;
    public static final int CAP_IPC_OWNER = 15;
    public static final int CAP_SYS_PTRACE = 19;
    public static final int CAP_SYS_ADMIN = 21;
    public static final int CAP_SYS_RESOURCE = 24;
    public static final int CAP_CHECKPOINT_RESTORE = 40;
    /** CAP_LAST_CAP on 5.9+ */
    public static final int CAP_LAST_CAP = 40;
    /** Every capability (CAP_VALID_MASK): what root holds. */
    public static final long ALL = (1L << (CAP_LAST_CAP + 1)) - 1;
    /** SECURE_KEEP_CAPS's bit in securebits (prctl PR_SET_KEEPCAPS). */
    public static final int SECBIT_KEEP_CAPS = 1 << 4;

    private Capability() {
    }

    /** The set with only {@code cap}. */
    public static long bit(int cap) {
        return 1L << cap;
    }

    /** cap_issubset(a, set): every capability of {@code a} is in {@code set}. */
    public static boolean isSubset(long a, long set) {
        return (a & ~set) == 0;
    }
}
