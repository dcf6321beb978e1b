package procsim.ipc;

/**
 * An IPC namespace (ipc/namespace.c): the ids of SysV message queues, semaphore sets and shared
 * memory segments, and the limits a new namespace starts with (include/uapi/linux/msg.h, sem.h,
 * shm.h).
 */
public final class IpcNamespace {
    /** include/linux/proc_ns.h PROC_IPC_INIT_INO */
    public static final long PROC_IPC_INIT_INO = 0xEFFFFFFFL;

    public static final int MSGMNI = 32000, MSGMAX = 8192, MSGMNB = 16384;
    public static final int SEMMSL = 32000, SEMMNS = 1024000000, SEMOPM = 500, SEMMNI = 32000, SEMVMX = 32767;
    public static final int SHMMNI = 4096;
    public static final long SHMMAX = -1L - (1L << 24); // ULONG_MAX - 2^24, shown unsigned
    public static final long SHMMIN = 1;
    public static final long PAGE_SIZE = 4096;

    private final long inum;
    final IpcIds<MsgQueue> msg = new IpcIds<>();
    final IpcIds<SemArray> sem = new IpcIds<>();
    final IpcIds<ShmSegment> shm = new IpcIds<>();
    // guarded by the kernel lock, with the ids' contents
    long usedSems;

    public IpcNamespace(long inum) {
        this.inum = inum;
    }

    public long inum() {
        return inum;
    }

    public IpcIds<MsgQueue> msg() {
        return msg;
    }

    public IpcIds<SemArray> sem() {
        return sem;
    }

    public IpcIds<ShmSegment> shm() {
        return shm;
    }
}
