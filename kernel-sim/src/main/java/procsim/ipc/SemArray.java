package procsim.ipc;

/** A semaphore set ({@code struct sem_array}, ipc/sem.c). */
public final class SemArray extends KernIpcPerm {
    final int[] semval;
    final IpcPid[] sempid;
    final long[] semotime;
    long ctime;
    /** otime restored by IPC_SET after LONG1 1 (Linux keeps otime per semaphore). */
    long restoredOtime;

    SemArray(int nsems) {
        semval = new int[nsems];
        sempid = new IpcPid[nsems];
        semotime = new long[nsems];
        java.util.Arrays.fill(sempid, IpcPid.NONE);
    }

    public int nsems() {
        return semval.length;
    }

    public int semval(int i) {
        return semval[i];
    }

    public IpcPid sempid(int i) {
        return sempid[i];
    }

    /** {@code get_semotime}: the latest otime over the set. */
    public long otime() {
        long t = restoredOtime;
        for (long o : semotime) t = Math.max(t, o);
        return t;
    }

    public long ctime() {
        return ctime;
    }

    /** IPC_STAT's copy (semctl_stat). */
    public SemidDs stat() {
        return new SemidDs(Ipc64Perm.of(this), otime(), ctime, nsems());
    }
}
