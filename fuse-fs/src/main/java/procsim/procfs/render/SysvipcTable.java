package procsim.procfs.render;

import java.util.ArrayList;
import java.util.List;

import procsim.ipc.Ipc64Perm;
import procsim.ipc.IpcNamespace;
import procsim.ipc.MsqidDs;
import procsim.ipc.SemidDs;
import procsim.ipc.ShmidDs;
import procsim.pid.PidNamespace;

/**
 * /proc/sysvipc/msg, sem and shm (ipc/msg.c, sem.c, shm.c sysvipc_*_proc_show, 64-bit): the
 * header line, then one row per object in ascending idx order, pids as the reader's namespace
 * sees them. Rows are the objects' IPC_STAT copies, taken under the kernel lock ({@link #msgRows}
 * etc.) and formatted outside.
 */
public final class SysvipcTable {
    public static final String MSG_HEADER = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n";
    public static final String SEM_HEADER = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n";
    public static final String SHM_HEADER = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n";

    private SysvipcTable() {
    }

    /** Under the kernel's read lock: each queue's IPC_STAT copy, pids as {@code viewer} sees them. */
    public static List<MsqidDs> msgRows(IpcNamespace ns, PidNamespace viewer) {
        List<MsqidDs> rows = new ArrayList<>();
        ns.msg().forEach(q -> rows.add(q.stat(viewer)));
        return rows;
    }

    public static List<SemidDs> semRows(IpcNamespace ns) {
        List<SemidDs> rows = new ArrayList<>();
        ns.sem().forEach(s -> rows.add(s.stat()));
        return rows;
    }

    public static List<ShmidDs> shmRows(IpcNamespace ns, PidNamespace viewer) {
        List<ShmidDs> rows = new ArrayList<>();
        ns.shm().forEach(s -> rows.add(s.stat(viewer)));
        return rows;
    }

    public static String msg(List<MsqidDs> rows) {
        StringBuilder b = new StringBuilder(MSG_HEADER);
        for (MsqidDs r : rows) {
            Ipc64Perm p = r.perm();
            b.append(String.format("%10d %10d  %4o  %10d %10d %5d %5d %5d %5d %5d %5d %10d %10d %10d\n",
                    p.key(), p.id(), p.mode(), r.cbytes(), r.qnum(), r.lspid(), r.lrpid(), u(p.uid()), u(p.gid()),
                    u(p.cuid()), u(p.cgid()), r.stime(), r.rtime(), r.ctime()));
        }
        return b.toString();
    }

    public static String sem(List<SemidDs> rows) {
        StringBuilder b = new StringBuilder(SEM_HEADER);
        for (SemidDs r : rows) {
            Ipc64Perm p = r.perm();
            b.append(String.format("%10d %10d  %4o %10d %5d %5d %5d %5d %10d %10d\n",
                    p.key(), p.id(), p.mode(), r.nsems(), u(p.uid()), u(p.gid()), u(p.cuid()), u(p.cgid()),
                    r.otime(), r.ctime()));
        }
        return b.toString();
    }

    /** rss and swap: the sim has no pages, so 0. */
    public static String shm(List<ShmidDs> rows) {
        StringBuilder b = new StringBuilder(SHM_HEADER);
        for (ShmidDs r : rows) {
            Ipc64Perm p = r.perm();
            b.append(String.format("%10d %10d  %4o %21s %5d %5d  %5d %5d %5d %5d %5d %10d %10d %10d %21d %21d\n",
                    p.key(), p.id(), p.mode(), Long.toUnsignedString(r.segsz()), r.cpid(), r.lpid(), r.nattch(),
                    u(p.uid()), u(p.gid()), u(p.cuid()), u(p.cgid()), r.atime(), r.dtime(), r.ctime(), 0, 0));
        }
        return b.toString();
    }

    private static long u(long id) {
        return id & 0xffffffffL;
    }
}
