package procsim.ipc;

/**
 * The common part of every SysV IPC object ({@code struct kern_ipc_perm}, ipc/util.h): key, id
 * (seq * 32768 + idx), owner and creator ids and the mode. Fields change under the kernel lock.
 */
public abstract class KernIpcPerm {
    // guarded by the kernel lock, as the fields of its subclasses
    int key;
    int id;
    int seq;
    int uid;
    int gid;
    int cuid;
    int cgid;
    int mode;
    boolean deleted;

    public int key() {
        return key;
    }

    public int id() {
        return id;
    }

    public int idx() {
        return id & (IpcIds.IPCMNI - 1);
    }

    public int seq() {
        return seq;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    public int cuid() {
        return cuid;
    }

    public int cgid() {
        return cgid;
    }

    /** The stored mode: the low 9 permission bits, plus SHM_DEST / SHM_LOCKED for shm. */
    public int mode() {
        return mode;
    }
}
