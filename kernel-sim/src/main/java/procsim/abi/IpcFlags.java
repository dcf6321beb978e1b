package procsim.abi;

import java.util.HashMap;
import java.util.Map;

/** include/uapi/linux/ipc.h, msg.h, sem.h, shm.h constants and the names the syscall file takes. */
public final class IpcFlags {
    public static final int IPC_PRIVATE = 0;
    public static final int IPC_CREAT = 01000, IPC_EXCL = 02000, IPC_NOWAIT = 04000;
    public static final int MSG_NOERROR = 010000, MSG_EXCEPT = 020000, MSG_COPY = 040000;
    public static final int SEM_UNDO = 0x1000;
    public static final int SHM_RDONLY = 010000, SHM_RND = 020000, SHM_REMAP = 040000, SHM_EXEC = 0100000;
    public static final int IPC_RMID = 0, IPC_SET = 1, IPC_STAT = 2, IPC_INFO = 3;
    public static final int GETPID = 11, GETVAL = 12, GETALL = 13, GETNCNT = 14, GETZCNT = 15, SETVAL = 16, SETALL = 17;

    /** Flags of msgget/semget/shmget/msgsnd/msgrcv/semop/shmat: one map, the names do not clash in use. */
    public static final Map<String, Long> NAMES;
    /** ctl commands. */
    public static final Map<String, Long> COMMANDS = Map.of(
            "IPC_RMID", 0L, "IPC_SET", 1L, "IPC_STAT", 2L, "GETPID", 11L, "GETVAL", 12L, "GETALL", 13L,
            "GETNCNT", 14L, "GETZCNT", 15L, "SETVAL", 16L, "SETALL", 17L);
    /** Keys: IPC_PRIVATE or a number. */
    public static final Map<String, Long> KEYS = Map.of("IPC_PRIVATE", 0L);

    static {
        Map<String, Long> m = new HashMap<>();
        m.put("IPC_CREAT", (long) IPC_CREAT);
        m.put("IPC_EXCL", (long) IPC_EXCL);
        m.put("IPC_NOWAIT", (long) IPC_NOWAIT);
        m.put("MSG_NOERROR", (long) MSG_NOERROR);
        m.put("MSG_EXCEPT", (long) MSG_EXCEPT);
        m.put("MSG_COPY", (long) MSG_COPY);
        m.put("SEM_UNDO", (long) SEM_UNDO);
        m.put("SHM_RDONLY", (long) SHM_RDONLY);
        m.put("SHM_RND", (long) SHM_RND);
        m.put("SHM_REMAP", (long) SHM_REMAP);
        m.put("SHM_EXEC", (long) SHM_EXEC);
        NAMES = Map.copyOf(m);
    }

    private IpcFlags() {
    }
}
