package procsim.ipc;

/**
 * An IPC namespace (ipc/namespace.c): the three id sets of SysV message queues, semaphore sets and
 * shared memory segments. The objects arrive with the IPC work; the namespace already exists so
 * CLONE_NEWIPC and the ns links behave.
 */
public final class IpcNamespace {
    /** include/linux/proc_ns.h PROC_IPC_INIT_INO */
    public static final long PROC_IPC_INIT_INO = 0xEFFFFFFFL;

    private final long inum;

    public IpcNamespace(long inum) {
        this.inum = inum;
    }

    public long inum() {
        return inum;
    }
}
