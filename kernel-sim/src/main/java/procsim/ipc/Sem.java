package procsim.ipc;

import static procsim.abi.IpcFlags.*;
import static procsim.ipc.IpcUtil.*;

import java.util.List;
import java.util.Map;

import procsim.abi.Errno;

/**
 * SysV semaphore sets (ipc/sem.c): semget, semop and semctl (IPC_STAT, IPC_SET, IPC_RMID, GETVAL,
 * GETPID, GETNCNT, GETZCNT, GETALL, SETVAL, SETALL).
 * Callers hold the kernel's write lock.
 */
public final class Sem {
    private final IpcUtil util;

    public Sem(IpcUtil util) {
        this.util = util;
    }

    public int semget(IpcCaller t, int key, int nsems, int flags) {
        if (nsems < 0 || nsems > IpcNamespace.SEMMSL) throw Errno.EINVAL.error();
        IpcNamespace ns = t.ipcNs();
        int before = ns.sem.inUse();
        int id = ipcget(t, ns.sem, key, flags, IpcNamespace.SEMMNI, () -> {
            if (nsems == 0) throw Errno.EINVAL.error();
            if (ns.usedSems + nsems > IpcNamespace.SEMMNS) throw Errno.ENOSPC.error();
            SemArray s = new SemArray(nsems);
            s.ctime = util.now();
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
        // a handler took a signal, or the process stopped, as it slept: done now, or EINTR (a stop
        // wakes do_semtimedop, whose -EINTR no SIGCONT restarts; signal(7))
        boolean interrupted = false;
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
                long now = util.now();
                for (SemBuf b : sops) {
                    s.sempid[b.num] = IpcPid.of(t.tgidPid());
                    s.semotime[b.num] = now;
                }
                util.wake();
                return;
            }
            if (nowait) throw Errno.EAGAIN.error();
            if (interrupted) throw Errno.EINTR.error();
            long stops = t.stops();
            interrupted = util.await(t, s) || t.stops() != stops;
        }
    }

    public SemidDs semStat(IpcCaller t, int id) {
        SemArray s = obtain(t, t.ipcNs().sem, id, 0444);
        return s.stat();
    }

    /** semctl IPC_SET: uid, gid, mode, ctime = now; after LONG1 1 also otime and ctime. */
    public void semSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        SemArray s = obtainOwned(t, t.ipcNs().sem, id);
        updatePerm(s, v);
        s.ctime = util.now();
        if (restore) {
            if (v.containsKey("otime")) {
                java.util.Arrays.fill(s.semotime, 0);
                s.restoredOtime = v.get("otime");
            }
            s.ctime = v.getOrDefault("ctime", s.ctime);
        }
    }

    public void semRmid(IpcCaller t, int id) {
        SemArray s = obtainOwned(t, t.ipcNs().sem, id);
        t.ipcNs().sem.remove(s);
        t.ipcNs().usedSems -= s.nsems();
        util.wake();
    }

    /** GETVAL, GETPID, GETNCNT, GETZCNT: read permission; semnum in range else EINVAL. */
    public int semGet(IpcCaller t, int id, int semnum, int cmd) {
        SemArray s = obtain(t, t.ipcNs().sem, id, 0444);
        if (semnum < 0 || semnum >= s.nsems()) throw Errno.EINVAL.error();
        return switch (cmd) {
            case GETVAL -> s.semval[semnum];
            case GETPID -> s.sempid[semnum].nr(t.activePidNs());
            case GETNCNT, GETZCNT -> 0; // Deviation: waiters are not counted
            default -> throw Errno.EINVAL.error();
        };
    }

    public int[] semGetAll(IpcCaller t, int id) {
        SemArray s = obtain(t, t.ipcNs().sem, id, 0444);
        return s.semval.clone();
    }

    /** SETVAL: alter permission, semnum in range else EINVAL, 0..SEMVMX else ERANGE; sempid, ctime. */
    public void setval(IpcCaller t, int id, int semnum, int value) {
        SemArray s = alterable(t, id);
        if (semnum < 0 || semnum >= s.nsems()) throw Errno.EINVAL.error();
        if (value < 0 || value > IpcNamespace.SEMVMX) throw Errno.ERANGE.error();
        s.semval[semnum] = value;
        s.sempid[semnum] = IpcPid.of(t.tgidPid());
        s.ctime = util.now();
        util.wake();
    }

    /** SETALL: one value per semaphore (procsim: a different count is EINVAL). */
    public void setall(IpcCaller t, int id, int[] values) {
        SemArray s = alterable(t, id);
        if (values.length != s.nsems()) throw Errno.EINVAL.error();
        for (int v : values) if (v < 0 || v > IpcNamespace.SEMVMX) throw Errno.ERANGE.error();
        System.arraycopy(values, 0, s.semval, 0, values.length);
        java.util.Arrays.fill(s.sempid, IpcPid.of(t.tgidPid()));
        s.ctime = util.now();
        util.wake();
    }

    private SemArray alterable(IpcCaller t, int id) {
        SemArray s = obtain(t, t.ipcNs().sem, id, 0222);
        return s;
    }
}
