package procsim.procfs.render;

import java.util.ArrayList;
import java.util.List;

import procsim.ipc.IpcNamespace;
import procsim.ipc.MsgQueue;
import procsim.ipc.SemArray;
import procsim.ipc.ShmSegment;
import procsim.ipc.SysvIpc;
import procsim.pid.PidNamespace;

/**
 * /proc/sysvipc/msg, sem and shm (ipc/msg.c, sem.c, shm.c sysvipc_*_proc_show, 64-bit): the
 * header line, then one row per object in ascending idx order, pids as the reader's namespace
 * sees them. Rows are copied under the kernel lock ({@link #msgRows} etc.) and formatted outside.
 */
public final class SysvipcTable {
    public static final String MSG_HEADER = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n";
    public static final String SEM_HEADER = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n";
    public static final String SHM_HEADER = "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n";

    private SysvipcTable() {
    }

    /** Under the kernel's read lock. */
    public static List<long[]> msgRows(IpcNamespace ns, PidNamespace viewer) {
        List<long[]> rows = new ArrayList<>();
        for (MsgQueue q : SysvIpc.list(ns.msg())) {
            rows.add(new long[] {q.key(), q.id(), q.mode(), q.cbytes(), q.qnum(), q.lspid().nr(viewer),
                    q.lrpid().nr(viewer), q.uid(), q.gid(), q.cuid(), q.cgid(), q.stime(), q.rtime(), q.ctime()});
        }
        return rows;
    }

    public static List<long[]> semRows(IpcNamespace ns) {
        List<long[]> rows = new ArrayList<>();
        for (SemArray s : SysvIpc.list(ns.sem())) {
            rows.add(new long[] {s.key(), s.id(), s.mode(), s.nsems(), s.uid(), s.gid(), s.cuid(), s.cgid(),
                    s.otime(), s.ctime()});
        }
        return rows;
    }

    public static List<long[]> shmRows(IpcNamespace ns, PidNamespace viewer) {
        List<long[]> rows = new ArrayList<>();
        for (ShmSegment s : SysvIpc.list(ns.shm())) {
            rows.add(new long[] {s.key(), s.id(), s.mode(), s.size(), s.cpid().nr(viewer), s.lpid().nr(viewer),
                    s.nattch(), s.uid(), s.gid(), s.cuid(), s.cgid(), s.atime(), s.dtime(), s.ctime()});
        }
        return rows;
    }

    public static String msg(List<long[]> rows) {
        StringBuilder b = new StringBuilder(MSG_HEADER);
        for (long[] r : rows) {
            b.append(String.format("%10d %10d  %4o  %10d %10d %5d %5d %5d %5d %5d %5d %10d %10d %10d\n",
                    (int) r[0], r[1], r[2], r[3], r[4], r[5], r[6], u(r[7]), u(r[8]), u(r[9]), u(r[10]), r[11], r[12], r[13]));
        }
        return b.toString();
    }

    public static String sem(List<long[]> rows) {
        StringBuilder b = new StringBuilder(SEM_HEADER);
        for (long[] r : rows) {
            b.append(String.format("%10d %10d  %4o %10d %5d %5d %5d %5d %10d %10d\n",
                    (int) r[0], r[1], r[2], r[3], u(r[4]), u(r[5]), u(r[6]), u(r[7]), r[8], r[9]));
        }
        return b.toString();
    }

    /** rss and swap: the sim has no pages, so 0. */
    public static String shm(List<long[]> rows) {
        StringBuilder b = new StringBuilder(SHM_HEADER);
        for (long[] r : rows) {
            b.append(String.format("%10d %10d  %4o %21s %5d %5d  %5d %5d %5d %5d %5d %10d %10d %10d %21d %21d\n",
                    (int) r[0], r[1], r[2], Long.toUnsignedString(r[3]), r[4], r[5], r[6], u(r[7]), u(r[8]),
                    u(r[9]), u(r[10]), r[11], r[12], r[13], 0, 0));
        }
        return b.toString();
    }

    private static long u(long id) {
        return id & 0xffffffffL;
    }
}
