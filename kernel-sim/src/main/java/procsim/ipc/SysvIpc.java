package procsim.ipc;

import static procsim.abi.IpcFlags.*;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import procsim.abi.Capability;
import procsim.abi.Errno;
import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.restore.NextSyscallData;

/**
 * SysV IPC operations (ipc/util.c, msg.c, sem.c, shm.c) with the seed patch's restore hooks:
 * next_syscall_data gives a new object its exact id, and {@code LONG1 1} before IPC_SET lets it
 * restore times and pids. Callers hold the kernel's write lock; blocking operations wait on its
 * condition.
 */
public final class SysvIpc {
    /** Where the first shmat of a process lands (a typical x86-64 mmap base). */
    private static final long SHM_BASE = 0x7f0000000000L;

    private final LongSupplier clock;
    private final Blocker block;
    private final Runnable wake;

    public SysvIpc(LongSupplier clock, Blocker block, Runnable wake) {
        this.clock = clock;
        this.block = block;
        this.wake = wake;
    }

    // ------------------------------------------------------------ common

    /** ipcperms: the requested rwx bits against owner/group/other, bypassed by CAP_IPC_OWNER. */
    static boolean permitted(IpcCaller t, KernIpcPerm p, int flag) {
        int requested = (flag >> 6 | flag >> 3 | flag) & 7;
        int granted = p.mode;
        if (t.euid() == p.cuid || t.euid() == p.uid) granted >>= 6;
        else if (t.egid() == p.cgid || t.egid() == p.gid) granted >>= 3;
        return (requested & ~granted & 7) == 0 || t.capable(Capability.CAP_IPC_OWNER);
    }

    private static void checkPerm(IpcCaller t, KernIpcPerm p, int flag) {
        if (!permitted(t, p, flag)) throw Errno.EACCES.error();
    }

    /** ipcctl_obtain_check for IPC_SET / IPC_RMID: creator, owner or CAP_SYS_ADMIN. */
    private static void checkOwner(IpcCaller t, KernIpcPerm p) {
        if (t.euid() != p.cuid && t.euid() != p.uid && !t.capable(Capability.CAP_SYS_ADMIN)) throw Errno.EPERM.error();
    }

    private interface Creator<T extends KernIpcPerm> {
        T create();
    }

    private interface MoreChecks<T> {
        void check(T existing);
    }

    /** ipcget: IPC_PRIVATE creates; else look the key up (ENOENT, EEXIST, more_checks, EACCES). */
    private <T extends KernIpcPerm> int ipcget(IpcCaller t, IpcIds<T> ids, int key, int flags, int mni,
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

    private long now() {
        return clock.getAsLong();
    }

    /**
     * Sleeps until something changes. A task killed meanwhile (a fatal signal is pending) ends its
     * call with EINTR before looking again, so it never takes or sends a message, nor applies a
     * semop, after its death; a removed object is EIDRM.
     */
    private void await(IpcCaller t, KernIpcPerm obj) throws InterruptedException {
        block.block();
        if (t.exited()) throw Errno.EINTR.error();
        if (obj.deleted) throw Errno.EIDRM.error();
    }

    // ------------------------------------------------------------ msg

    public int msgget(IpcCaller t, int key, int flags) {
        IpcNamespace ns = t.ipcNs();
        return ipcget(t, ns.msg, key, flags, IpcNamespace.MSGMNI, () -> {
            MsgQueue q = new MsgQueue();
            q.ctime = now();
            q.qbytes = IpcNamespace.MSGMNB;
            return q;
        }, q -> { });
    }

    /**
     * msgsnd. Deviation: no pipelined send; a waiting receiver takes the message off the queue
     * itself, so lrpid becomes its tgid rather than its thread id.
     */
    public void msgsnd(IpcCaller t, int id, long mtype, String text, int flags) throws InterruptedException {
        if (id < 0 || mtype < 1) throw Errno.EINVAL.error();
        MsgQueue.Message m = new MsgQueue.Message(mtype, text);
        if (m.size() > IpcNamespace.MSGMAX) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        while (true) {
            checkPerm(t, q, 0222);
            if (q.cbytes + m.size() <= q.qbytes && q.messages.size() + 1 <= q.qbytes) break;
            if ((flags & IPC_NOWAIT) != 0) throw Errno.EAGAIN.error();
            await(t, q);
        }
        q.messages.add(m);
        q.cbytes += m.size();
        q.lspid = IpcPid.of(t.tgidPid());
        q.stime = now();
        wake.run();
    }

    /** msgrcv: the received message, whose length is the return value. */
    public MsgQueue.Message msgrcv(IpcCaller t, int id, long mtype, int flags) throws InterruptedException {
        if (id < 0) throw Errno.EINVAL.error();
        if ((flags & MSG_COPY) != 0 && ((flags & IPC_NOWAIT) == 0 || (flags & MSG_EXCEPT) != 0)) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        while (true) {
            checkPerm(t, q, 0444);
            int at = find(q, mtype, flags);
            if (at >= 0) {
                MsgQueue.Message m = q.messages.get(at);
                if (m.size() > IpcNamespace.MSGMAX && (flags & MSG_NOERROR) == 0) throw Errno.E2BIG.error();
                if ((flags & MSG_COPY) != 0) return m;
                q.messages.remove(at);
                q.cbytes -= m.size();
                q.rtime = now();
                q.lrpid = IpcPid.of(t.tgidPid());
                wake.run();
                return m;
            }
            if ((flags & IPC_NOWAIT) != 0) throw Errno.ENOMSG.error();
            await(t, q);
        }
    }

    /** find_msg: 0 the first, >0 the first of that type (not of it with MSG_EXCEPT), <0 the lowest type <= |t|. */
    private static int find(MsgQueue q, long mtype, int flags) {
        List<MsgQueue.Message> ms = q.messages;
        if ((flags & MSG_COPY) != 0) return mtype >= 0 && mtype < ms.size() ? (int) mtype : -1;
        int best = -1;
        for (int i = 0; i < ms.size(); i++) {
            long ty = ms.get(i).mtype();
            if (mtype == 0) return i;
            if (mtype > 0) {
                if ((flags & MSG_EXCEPT) != 0 ? ty != mtype : ty == mtype) return i;
            } else if (ty <= -mtype && (best < 0 || ty < ms.get(best).mtype())) {
                best = i;
            }
        }
        return best;
    }

    public MsqidDs msgStat(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        checkPerm(t, q, 0444);
        return q.stat(t.activePidNs());
    }

    /**
     * msgctl IPC_SET: uid, gid, the low 9 mode bits and qbytes (above msgmnb needs
     * CAP_SYS_RESOURCE), ctime = now; with {@code restore} (LONG1 1) also stime, rtime, ctime,
     * lspid and lrpid from the values given. Keys not given keep their value.
     */
    public void msgSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        if (id < 0) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        checkOwner(t, q);
        long qbytes = v.getOrDefault("qbytes", q.qbytes);
        // msgctl_down: above msgmnb needs CAP_SYS_RESOURCE, whatever the queue's current qbytes
        if (qbytes > IpcNamespace.MSGMNB && !t.capable(Capability.CAP_SYS_RESOURCE)) {
            throw Errno.EPERM.error();
        }
        IpcPid lspid = restore && v.containsKey("lspid") ? restoredPid(t, v.get("lspid")) : q.lspid;
        IpcPid lrpid = restore && v.containsKey("lrpid") ? restoredPid(t, v.get("lrpid")) : q.lrpid;
        updatePerm(q, v);
        q.qbytes = qbytes;
        q.ctime = now();
        if (restore) {
            q.stime = v.getOrDefault("stime", q.stime);
            q.rtime = v.getOrDefault("rtime", q.rtime);
            q.ctime = v.getOrDefault("ctime", q.ctime);
            q.lspid = lspid;
            q.lrpid = lrpid;
        }
    }

    public void msgRmid(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        checkOwner(t, q);
        t.ipcNs().msg.remove(q);
        wake.run();
    }

    // ------------------------------------------------------------ sem

    public int semget(IpcCaller t, int key, int nsems, int flags) {
        if (nsems < 0 || nsems > IpcNamespace.SEMMSL) throw Errno.EINVAL.error();
        IpcNamespace ns = t.ipcNs();
        int before = ns.sem.inUse();
        int id = ipcget(t, ns.sem, key, flags, IpcNamespace.SEMMNI, () -> {
            if (nsems == 0) throw Errno.EINVAL.error();
            if (ns.usedSems + nsems > IpcNamespace.SEMMNS) throw Errno.ENOSPC.error();
            SemArray s = new SemArray(nsems);
            s.ctime = now();
            return s;
        }, s -> {
            if (nsems > s.nsems()) throw Errno.EINVAL.error();
        });
        if (ns.sem.inUse() > before) ns.usedSems += nsems;
        return id;
    }

    /** One sembuf: sem_num, sem_op, sem_flg. */
    public record SemBuf(int num, int op, int flags) {
    }

    /** semop. Deviation: SEM_UNDO is accepted, but no adjustment is applied when the process exits. */
    public void semop(IpcCaller t, int id, List<SemBuf> sops) throws InterruptedException {
        if (id < 0 || sops.isEmpty()) throw Errno.EINVAL.error();
        if (sops.size() > IpcNamespace.SEMOPM) throw Errno.E2BIG.error();
        SemArray s = t.ipcNs().sem.check(id);
        boolean alter = false;
        for (SemBuf b : sops) {
            if (b.num < 0 || b.num >= s.nsems()) throw Errno.EFBIG.error();
            alter |= b.op != 0;
        }
        while (true) {
            checkPerm(t, s, alter ? 0222 : 0444);
            int[] vals = s.semval.clone();
            boolean blocked = false;
            boolean nowait = false;
            for (SemBuf b : sops) {
                int v = vals[b.num];
                if (b.op > 0) {
                    if (v + b.op > IpcNamespace.SEMVMX) throw Errno.ERANGE.error();
                    vals[b.num] = v + b.op;
                } else if (b.op == 0 ? v != 0 : v < -b.op) {
                    blocked = true;
                    nowait = (b.flags & IPC_NOWAIT) != 0;
                    break;
                } else {
                    vals[b.num] = v + b.op;
                }
            }
            if (!blocked) {
                System.arraycopy(vals, 0, s.semval, 0, vals.length);
                long now = now();
                for (SemBuf b : sops) {
                    s.sempid[b.num] = IpcPid.of(t.tgidPid());
                    s.semotime[b.num] = now;
                }
                wake.run();
                return;
            }
            if (nowait) throw Errno.EAGAIN.error();
            await(t, s);
        }
    }

    public SemidDs semStat(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkPerm(t, s, 0444);
        return s.stat();
    }

    /** semctl IPC_SET: uid, gid, mode, ctime = now; after LONG1 1 also otime and ctime. */
    public void semSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkOwner(t, s);
        updatePerm(s, v);
        s.ctime = now();
        if (restore) {
            if (v.containsKey("otime")) {
                java.util.Arrays.fill(s.semotime, 0);
                s.restoredOtime = v.get("otime");
            }
            s.ctime = v.getOrDefault("ctime", s.ctime);
        }
    }

    public void semRmid(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkOwner(t, s);
        t.ipcNs().sem.remove(s);
        t.ipcNs().usedSems -= s.nsems();
        wake.run();
    }

    /** GETVAL, GETPID, GETNCNT, GETZCNT: read permission; semnum in range else EINVAL. */
    public int semGet(IpcCaller t, int id, int semnum, int cmd) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkPerm(t, s, 0444);
        if (semnum < 0 || semnum >= s.nsems()) throw Errno.EINVAL.error();
        return switch (cmd) {
            case GETVAL -> s.semval[semnum];
            case GETPID -> s.sempid[semnum].nr(t.activePidNs());
            case GETNCNT, GETZCNT -> 0; // Deviation: waiters are not counted
            default -> throw Errno.EINVAL.error();
        };
    }

    public int[] semGetAll(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkPerm(t, s, 0444);
        return s.semval.clone();
    }

    /** SETVAL: alter permission, semnum in range else EINVAL, 0..SEMVMX else ERANGE; sempid, ctime. */
    public void setval(IpcCaller t, int id, int semnum, int value) {
        SemArray s = alterable(t, id);
        if (semnum < 0 || semnum >= s.nsems()) throw Errno.EINVAL.error();
        if (value < 0 || value > IpcNamespace.SEMVMX) throw Errno.ERANGE.error();
        s.semval[semnum] = value;
        s.sempid[semnum] = IpcPid.of(t.tgidPid());
        s.ctime = now();
        wake.run();
    }

    /** SETALL: one value per semaphore (procsim: a different count is EINVAL). */
    public void setall(IpcCaller t, int id, int[] values) {
        SemArray s = alterable(t, id);
        if (values.length != s.nsems()) throw Errno.EINVAL.error();
        for (int v : values) if (v < 0 || v > IpcNamespace.SEMVMX) throw Errno.ERANGE.error();
        System.arraycopy(values, 0, s.semval, 0, values.length);
        java.util.Arrays.fill(s.sempid, IpcPid.of(t.tgidPid()));
        s.ctime = now();
        wake.run();
    }

    private SemArray alterable(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        SemArray s = t.ipcNs().sem.check(id);
        checkPerm(t, s, 0222);
        return s;
    }

    // ------------------------------------------------------------ shm

    public int shmget(IpcCaller t, int key, long size, int flags) {
        IpcNamespace ns = t.ipcNs();
        return ipcget(t, ns.shm, key, flags, IpcNamespace.SHMMNI, () -> {
            if (size < IpcNamespace.SHMMIN || Long.compareUnsigned(size, IpcNamespace.SHMMAX) > 0) {
                throw Errno.EINVAL.error();
            }
            ShmSegment s = new ShmSegment();
            s.size = size;
            s.cpid = IpcPid.of(t.tgidPid());
            s.ctime = now();
            return s;
        }, s -> {
            if (size > s.size) throw Errno.EINVAL.error();
        });
    }

    /**
     * shmat: read (and write unless SHM_RDONLY) permission; the address it is mapped at. With
     * {@code addr} 0 the sim chooses (after the process's last attach); otherwise it must be
     * page aligned (or SHM_RND rounds it down) and must not overlap another attach: EINVAL.
     * Deviation: only SysV attaches are modelled in the address space.
     */
    public long shmat(IpcCaller t, int id, int flags, long addr) {
        if (id < 0) throw Errno.EINVAL.error();
        ShmSegment s = t.ipcNs().shm.check(id);
        checkPerm(t, s, (flags & SHM_RDONLY) != 0 ? 0444 : 0666);
        TreeMap<Long, ShmMapping> map = t.mmShmAttaches().byStart;
        long start;
        if (addr == 0) {
            start = map.isEmpty() ? SHM_BASE : map.lastEntry().getValue().end();
        } else {
            start = (flags & SHM_RND) != 0 ? addr & -IpcNamespace.PAGE_SIZE : addr;
            if ((start & (IpcNamespace.PAGE_SIZE - 1)) != 0 || start < 0) throw Errno.EINVAL.error();
            Map.Entry<Long, ShmMapping> below = map.floorEntry(start + ShmMapping.pages(s.size) - 1);
            if (below != null && below.getValue().end() > start) throw Errno.EINVAL.error();
        }
        map.put(start, new ShmMapping(start, s, (flags & SHM_RDONLY) != 0));
        shmOpen(s, t.tgidPid());
        return start;
    }

    /**
     * shmdt: the attachment at that address, or (procsim's shorthand, since the syscall file has
     * no pointers) the lowest attachment of that shm id. EINVAL if neither.
     */
    public void shmdt(IpcCaller t, long addrOrId) {
        TreeMap<Long, ShmMapping> map = t.mmShmAttaches().byStart;
        Long addr = map.containsKey(addrOrId) ? Long.valueOf(addrOrId) : null;
        if (addr == null) {
            for (ShmMapping m : map.values()) {
                if (m.segment().id == addrOrId) {
                    addr = m.start();
                    break;
                }
            }
        }
        if (addr == null) throw Errno.EINVAL.error();
        shmClose(map.remove(addr).segment(), t.tgidPid(), t.ipcNs());
    }

    public ShmidDs shmStat(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        ShmSegment s = t.ipcNs().shm.check(id);
        checkPerm(t, s, 0444);
        return s.stat(t.activePidNs());
    }

    /** shmctl IPC_SET: uid, gid, mode, ctime = now; after LONG1 1 also atime, dtime, ctime, cpid, lpid. */
    public void shmSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        if (id < 0) throw Errno.EINVAL.error();
        ShmSegment s = t.ipcNs().shm.check(id);
        checkOwner(t, s);
        IpcPid cpid = restore && v.containsKey("cpid") ? restoredPid(t, v.get("cpid")) : s.cpid;
        IpcPid lpid = restore && v.containsKey("lpid") ? restoredPid(t, v.get("lpid")) : s.lpid;
        updatePerm(s, v);
        s.ctime = now();
        if (restore) {
            s.atime = v.getOrDefault("atime", s.atime);
            s.dtime = v.getOrDefault("dtime", s.dtime);
            s.ctime = v.getOrDefault("ctime", s.ctime);
            s.cpid = cpid;
            s.lpid = lpid;
        }
    }

    /** IPC_RMID: destroyed now if unattached, else SHM_DEST and the key made private. */
    public void shmRmid(IpcCaller t, int id) {
        if (id < 0) throw Errno.EINVAL.error();
        IpcNamespace ns = t.ipcNs();
        ShmSegment s = ns.shm.check(id);
        checkOwner(t, s);
        if (s.nattch == 0) {
            ns.shm.remove(s);
        } else {
            s.mode |= ShmSegment.SHM_DEST;
            ns.shm.makePrivate(s);
        }
    }

    private void shmOpen(ShmSegment s, Pid tgid) {
        s.nattch++;
        s.atime = now();
        s.lpid = IpcPid.of(tgid);
    }

    private void shmClose(ShmSegment s, Pid tgid, IpcNamespace ns) {
        s.nattch--;
        s.dtime = now();
        s.lpid = IpcPid.of(tgid);
        if (s.nattch == 0 && (s.mode & ShmSegment.SHM_DEST) != 0 && !s.deleted) ns.shm.remove(s);
    }

    // ------------------------------------------------------------ the mm's life

    /**
     * fork (dup_mmap): the child's mm duplicates every attach of {@code parent} (shm_open:
     * nattch++, atime, lpid = the child). Returns the child's attaches, null if there are none.
     */
    public ShmAttaches dupMm(ShmAttaches parent, Pid childTgid) {
        if (parent == null || parent.byStart.isEmpty()) return null;
        ShmAttaches copy = new ShmAttaches();
        copy.byStart.putAll(parent.byStart);
        for (ShmMapping m : copy.byStart.values()) shmOpen(m.segment(), childTgid);
        return copy;
    }

    /** exit or execve: the mm goes, every attach is closed (shm_close) in {@code ns}. */
    public void exitMm(ShmAttaches mm, Pid tgid, IpcNamespace ns) {
        if (mm == null) return;
        for (Iterator<ShmMapping> it = mm.byStart.values().iterator(); it.hasNext(); ) {
            ShmSegment s = it.next().segment();
            it.remove();
            shmClose(s, tgid, ns);
        }
    }

    // ------------------------------------------------------------ helpers

    /** ipc_update_perm: uid and gid (an invalid id is EINVAL), the low 9 mode bits. */
    private static void updatePerm(KernIpcPerm p, Map<String, Long> v) {
        long uid = v.getOrDefault("uid", (long) p.uid);
        long gid = v.getOrDefault("gid", (long) p.gid);
        if (uid < 0 || uid >= 0xffffffffL || gid < 0 || gid >= 0xffffffffL) throw Errno.EINVAL.error();
        p.uid = (int) uid;
        p.gid = (int) gid;
        long mode = v.getOrDefault("perms", (long) p.mode);
        p.mode = (p.mode & ~0777) | (int) (mode & 0777);
    }

    /** A pid given to IPC_SET after LONG1 1, in the caller's namespace: the live task's pid if any. */
    private IpcPid restoredPid(IpcCaller t, long nr) {
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
