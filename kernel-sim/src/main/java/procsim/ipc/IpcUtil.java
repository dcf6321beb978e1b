package procsim.ipc;

import static procsim.abi.IpcFlags.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.restore.NextSyscallData;

/**
 * What msg, sem and shm share (ipc/util.c): ipcperms and the owner check, ipcget and ipc_addid
 * (where next_syscall_data, the seed patch's hook, gives a new object its exact id),
 * ipc_update_perm, the pids IPC_SET restores after {@code LONG1 1}, the clock, and the wait of a
 * blocking operation (on the kernel lock's condition). Callers hold the kernel's write lock.
 */
public final class IpcUtil {
    private final LongSupplier clock;
    private final Blocker block;
    private final Runnable wake;

    public IpcUtil(LongSupplier clock, Blocker block, Runnable wake) {
        this.clock = clock;
        this.block = block;
        this.wake = wake;
    }

    /** ipcperms: the requested rwx bits against owner/group/other, bypassed by CAP_IPC_OWNER. */
    static boolean permitted(IpcCaller t, KernIpcPerm p, int flag) {
        int requested = (flag >> 6 | flag >> 3 | flag) & 7;
        int granted = p.mode;
        if (t.euid() == p.cuid || t.euid() == p.uid) granted >>= 6;
        else if (t.egid() == p.cgid || t.egid() == p.gid) granted >>= 3;
        return (requested & ~granted & 7) == 0 || t.capable(Capability.CAP_IPC_OWNER);
    }

    static void checkPerm(IpcCaller t, KernIpcPerm p, int flag) {
        if (!permitted(t, p, flag)) throw Errno.EACCES.error();
    }

    /** ipcctl_obtain_check for IPC_SET / IPC_RMID: creator, owner or CAP_SYS_ADMIN. */
    static void checkOwner(IpcCaller t, KernIpcPerm p) {
        if (t.euid() != p.cuid && t.euid() != p.uid && !t.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
    }

    /**
     * ipc_obtain_object_check, then ipcperms for {@code flag}: a negative or unknown id is EINVAL,
     * a refused access EACCES.
     */
    static <T extends KernIpcPerm> T obtain(IpcCaller t, IpcIds<T> ids, int id, int flag) {
        if (id < 0) throw Errno.EINVAL.error();
        T obj = ids.check(id);
        checkPerm(t, obj, flag);
        return obj;
    }

    /** ipcctl_obtain_check for IPC_SET and IPC_RMID: the object if the caller may change it (else EPERM). */
    static <T extends KernIpcPerm> T obtainOwned(IpcCaller t, IpcIds<T> ids, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        T obj = ids.check(id);
        checkOwner(t, obj);
        return obj;
    }

    interface Creator<T extends KernIpcPerm> {
        T create();
    }

    interface MoreChecks<T> {
        void check(T existing);
    }

    /** ipcget: IPC_PRIVATE creates; else look the key up (ENOENT, EEXIST, more_checks, EACCES). */
    static <T extends KernIpcPerm> int ipcget(IpcCaller t, IpcIds<T> ids, int key, int flags, int mni,
                                               Creator<T> creator, MoreChecks<T> more) {
        if (key != IPC_PRIVATE) {
            T obj = ids.byKey(key);
            if (obj != null) {
                if ((flags & IPC_CREAT) != 0 && (flags & IPC_EXCL) != 0) throw Errno.EEXIST.error();
                more.check(obj);
                checkPerm(t, obj, flags);
                return obj.id;
            }
            if ((flags & IPC_CREAT) == 0) throw Errno.ENOENT.error();
        }
        T obj = creator.create();
        obj.key = key;
        obj.uid = obj.cuid = t.euid();
        obj.gid = obj.cgid = t.egid();
        obj.mode = flags & 0777;
        addid(t, ids, obj, mni);
        return obj.id;
    }

    /** ipc_addid: next_syscall_data (exact id) is consumed here, then the in_use limit. */
    private static <T extends KernIpcPerm> void addid(IpcCaller t, IpcIds<T> ids, T obj, int mni) {
        NextSyscallData nsd = t.takeNextSyscallData();
        long exact = -1;
        if (nsd != null) {
            if (nsd.count() != 1 || nsd.value(0) < 0 || nsd.value(0) > Integer.MAX_VALUE) throw Errno.EINVAL.error();
            exact = nsd.value(0);
        }
        if (ids.inUse() >= mni) throw Errno.ENOSPC.error();
        ids.add(obj, exact);
    }

    long now() {
        return clock.getAsLong();
    }

    /**
     * Sleeps until something changes. A task killed meanwhile (a fatal signal is pending) ends its
     * call with EINTR before looking again, so it never takes or sends a message, nor applies a
     * semop, after its death; a removed object is EIDRM. Returns whether a handler took a signal
     * meanwhile: the caller then ends with EINTR (-ERESTARTNOHAND or -EINTR of ipc/msg.c and
     * ipc/sem.c, EINTR with a handler whatever its SA_RESTART), msgrcv and semop only if what they
     * wait for is still not theirs (pipelined_send and update_queue would have given it to them).
     */
    boolean await(IpcCaller t, KernIpcPerm obj) throws InterruptedException {
        long handled = t.handlerRuns();
        block.block();
        if (t.exited()) throw Errno.EINTR.error();
        if (obj.deleted) throw Errno.EIDRM.error();
        return t.handlerRuns() != handled;
    }

    /** Wakes every blocked operation: something changed. */
    void wake() {
        wake.run();
    }

    /** ipc_update_perm: uid and gid (an invalid id is EINVAL), the low 9 mode bits. */
    static void updatePerm(KernIpcPerm p, Map<String, Long> v) {
        long uid = v.getOrDefault("uid", (long) p.uid);
        long gid = v.getOrDefault("gid", (long) p.gid);
        if (uid < 0 || uid >= 0xffffffffL || gid < 0 || gid >= 0xffffffffL) throw Errno.EINVAL.error();
        p.uid = (int) uid;
        p.gid = (int) gid;
        long mode = v.getOrDefault("perms", (long) p.mode);
        p.mode = (p.mode & ~0777) | (int) (mode & 0777);
    }

    /** The pid IPC_SET gives for {@code key} when {@code restore} (LONG1 1), else {@code old}. */
    static IpcPid restoredPid(IpcCaller t, Map<String, Long> v, boolean restore, String key, IpcPid old) {
        return restore && v.containsKey(key) ? restoredPid(t, v.get(key)) : old;
    }

    /** A pid given to IPC_SET after LONG1 1, in the caller's namespace: the live task's pid if any. */
    static IpcPid restoredPid(IpcCaller t, long nr) {
        if (nr < 0 || nr > Integer.MAX_VALUE) throw Errno.EINVAL.error();
        if (nr == 0) return IpcPid.NONE;
        PidNamespace ns = t.activePidNs();
        Pid live = ns.lookup((int) nr);
        return live != null ? IpcPid.of(live) : new IpcPid(null, (int) nr, ns);
    }

    /** The objects of one type in {@code ns}, in idx order, for /proc/sysvipc. */
    public static <T extends KernIpcPerm> List<T> list(IpcIds<T> ids) {
        List<T> out = new ArrayList<>();
        ids.forEach(out::add);
        return out;
    }
}
