package procsim.ipc;

import static procsim.abi.IpcFlags.*;
import static procsim.ipc.IpcUtil.*;

import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import procsim.abi.Errno;
import procsim.pid.Pid;

/**
 * SysV shared memory (ipc/shm.c): shmget, shmat, shmdt, shmctl (IPC_STAT, IPC_SET, IPC_RMID), and
 * what fork, exit and exec do to a process's attaches.
 * Callers hold the kernel's write lock.
 */
public final class Shm {
    /** Where the first shmat of a process lands (a typical x86-64 mmap base). */
    private static final long SHM_BASE = 0x7f0000000000L;

    private final IpcUtil util;

    public Shm(IpcUtil util) {
        this.util = util;
    }

    public int shmget(IpcCaller t, int key, long size, int flags) {
        IpcNamespace ns = t.ipcNs();
        return ipcget(t, ns.shm, key, flags, IpcNamespace.SHMMNI, () -> {
            if (size < IpcNamespace.SHMMIN || Long.compareUnsigned(size, IpcNamespace.SHMMAX) > 0) {
                throw Errno.EINVAL.error();
            }
            ShmSegment s = new ShmSegment();
            s.size = size;
            s.cpid = IpcPid.of(t.tgidPid());
            s.ctime = util.now();
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
        ShmSegment s = obtain(t, t.ipcNs().shm, id, (flags & SHM_RDONLY) != 0 ? 0444 : 0666);
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
        ShmSegment s = obtain(t, t.ipcNs().shm, id, 0444);
        return s.stat(t.activePidNs());
    }

    /** shmctl IPC_SET: uid, gid, mode, ctime = now; after LONG1 1 also atime, dtime, ctime, cpid, lpid. */
    public void shmSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        ShmSegment s = obtainOwned(t, t.ipcNs().shm, id);
        IpcPid cpid = restoredPid(t, v, restore, "cpid", s.cpid);
        IpcPid lpid = restoredPid(t, v, restore, "lpid", s.lpid);
        updatePerm(s, v);
        s.ctime = util.now();
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
        IpcNamespace ns = t.ipcNs();
        ShmSegment s = obtainOwned(t, ns.shm, id);
        if (s.nattch == 0) {
            ns.shm.remove(s);
        } else {
            s.mode |= ShmSegment.SHM_DEST;
            ns.shm.makePrivate(s);
        }
    }

    private void shmOpen(ShmSegment s, Pid tgid) {
        s.nattch++;
        s.atime = util.now();
        s.lpid = IpcPid.of(tgid);
    }

    private void shmClose(ShmSegment s, Pid tgid, IpcNamespace ns) {
        s.nattch--;
        s.dtime = util.now();
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
}
