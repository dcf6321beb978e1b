package procsim.ipc;

import procsim.pid.PidNamespace;

/** A shared memory segment ({@code struct shmid_kernel}, ipc/shm.c). */
public final class ShmSegment extends KernIpcPerm {
    /** SHM_DEST: marked for destruction at the last detach. */
    public static final int SHM_DEST = 01000;
    public static final int SHM_LOCKED = 02000;

    long size;
    long atime;
    long dtime;
    long ctime;
    IpcPid cpid = IpcPid.NONE;
    IpcPid lpid = IpcPid.NONE;
    int nattch;

    public long size() {
        return size;
    }

    public long atime() {
        return atime;
    }

    public long dtime() {
        return dtime;
    }

    public long ctime() {
        return ctime;
    }

    public IpcPid cpid() {
        return cpid;
    }

    public IpcPid lpid() {
        return lpid;
    }

    public int nattch() {
        return nattch;
    }

    /** IPC_STAT's copy (shmctl_stat), the pids as {@code viewer} sees them. */
    public ShmidDs stat(PidNamespace viewer) {
        return new ShmidDs(Ipc64Perm.of(this), size, atime, dtime, ctime, cpid.nr(viewer), lpid.nr(viewer), nattch);
    }
}
