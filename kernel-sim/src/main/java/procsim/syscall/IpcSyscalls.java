package procsim.syscall;

import static procsim.abi.IpcFlags.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import procsim.abi.Errno;
import procsim.abi.Flags;
import procsim.abi.Strtol;
import procsim.ipc.Ipc64Perm;
import procsim.ipc.MsgQueue;
import procsim.ipc.MsqidDs;
import procsim.ipc.Sem;
import procsim.ipc.SemidDs;
import procsim.ipc.ShmidDs;
import procsim.restore.NextSyscallData;
import procsim.task.Task;

/**
 * SysV IPC syscalls: msgget, msgsnd, msgrcv, msgctl, semget, semop, semctl, shmget, shmat, shmdt,
 * shmctl. IPC_STAT reads as {@code 0 key=... } with the /proc/sysvipc column names, and IPC_SET
 * takes the same {@code key=value} words back (a key not given keeps its value).
 */
final class IpcSyscalls {
    /** IPC_STAT's words in the /proc/sysvipc columns' order (and msg's qbytes); IPC_SET's keys. */
    static final List<String> MSG_KEYS = List.of("key", "msqid", "perms", "cbytes", "qnum", "lspid", "lrpid",
            "uid", "gid", "cuid", "cgid", "stime", "rtime", "ctime", "qbytes");
    static final List<String> SEM_KEYS = List.of("key", "semid", "perms", "nsems", "uid", "gid", "cuid", "cgid",
            "otime", "ctime");
    static final List<String> SHM_KEYS = List.of("key", "shmid", "perms", "size", "cpid", "lpid", "nattch",
            "uid", "gid", "cuid", "cgid", "atime", "dtime", "ctime");

    private IpcSyscalls() {
    }

    static void register(SyscallTable t) {
        t.register("msgget", a -> {
            a.positional();
            int key = key(a, 0);
            int flags = (int) a.flags(1, NAMES);
            a.done();
            return (k, c) -> SyscallResult.ok(k.msg().msgget(c, key, flags));
        });
        t.register("msgsnd", a -> {
            a.positional();
            int id = a.intNum(0);
            long mtype = a.num(1);
            String text = a.word(2);
            int flags = (int) a.flags(3, NAMES, 0);
            a.done();
            return (k, c) -> {
                k.msg().msgsnd(c, id, mtype, text, flags);
                return SyscallResult.ok(0);
            };
        });
        t.register("msgrcv", a -> {
            a.positional();
            int id = a.intNum(0);
            long mtype = a.num(1);
            int flags = (int) a.flags(2, NAMES, 0);
            a.done();
            return (k, c) -> {
                MsgQueue.Message m = k.msg().msgrcv(c, id, mtype, flags);
                return SyscallResult.ok(m.size(), " mtype=" + m.mtype() + " text=" + m.text());
            };
        });
        t.register("msgctl", a -> ctl(a, MSG_KEYS, MSGCTL));
        t.register("shmctl", a -> ctl(a, SHM_KEYS, SHMCTL));
        t.register("semget", a -> {
            a.positional();
            int key = key(a, 0);
            int nsems = a.intNum(1);
            int flags = (int) a.flags(2, NAMES);
            a.done();
            return (k, c) -> SyscallResult.ok(k.sem().semget(c, key, nsems, flags));
        });
        t.register("semop", a -> {
            a.positional();
            int id = a.intNum(0);
            List<Sem.SemBuf> sops = new ArrayList<>();
            for (String op : a.word(1).split(",", -1)) {
                String[] p = op.split(":", -1);
                if (p.length < 2 || p.length > 3) throw Errno.EINVAL.error();
                sops.add(new Sem.SemBuf(Strtol.parseInt(p[0]), Strtol.parseInt(p[1]),
                        p.length == 3 ? (int) Flags.parse(p[2], NAMES) : 0));
            }
            a.done();
            return (k, c) -> {
                k.sem().semop(c, id, sops);
                return SyscallResult.ok(0);
            };
        });
        t.register("semctl", IpcSyscalls::semctl);
        t.register("shmget", a -> {
            a.positional();
            int key = key(a, 0);
            long size = a.num(1);
            int flags = (int) a.flags(2, NAMES);
            a.done();
            return (k, c) -> SyscallResult.ok(k.shm().shmget(c, key, size, flags));
        });
        t.register("shmat", a -> {
            a.keys("addr");
            int id = a.intNum(0);
            int flags = (int) a.flags(1, NAMES, 0);
            a.done();
            long addr = a.key("addr") == null ? 0 : Strtol.parse(a.key("addr"));
            return (k, c) -> SyscallResult.ok(k.shm().shmat(c, id, flags, addr));
        });
        t.register("shmdt", a -> {
            long addr = a.positional().num(0);
            a.done();
            return (k, c) -> {
                k.shm().shmdt(c, addr);
                return SyscallResult.ok(0);
            };
        });
    }

    private static int key(Args a, int i) {
        long key = a.flags(i, KEYS);
        if (key < Integer.MIN_VALUE || key > 0xffffffffL) throw Errno.EINVAL.error();
        return (int) key;
    }

    /** The IPC_STAT (its reply words), IPC_SET and IPC_RMID of one kind of object. */
    private record Ctl(StatOp stat, SetOp set, RmOp rmid) {
    }

    private interface StatOp {
        String run(SyscallContext k, Task c, int id);
    }

    private interface SetOp {
        void run(SyscallContext k, Task c, int id, Map<String, Long> v, boolean restore);
    }

    private interface RmOp {
        void run(SyscallContext k, Task c, int id);
    }

    private static final Ctl MSGCTL = new Ctl((k, c, id) -> words(k.msg().msgStat(c, id)),
            (k, c, id, v, restore) -> k.msg().msgSet(c, id, v, restore), (k, c, id) -> k.msg().msgRmid(c, id));
    private static final Ctl SEMCTL = new Ctl((k, c, id) -> words(k.sem().semStat(c, id)),
            (k, c, id, v, restore) -> k.sem().semSet(c, id, v, restore), (k, c, id) -> k.sem().semRmid(c, id));
    private static final Ctl SHMCTL = new Ctl((k, c, id) -> words(k.shm().shmStat(c, id)),
            (k, c, id, v, restore) -> k.shm().shmSet(c, id, v, restore), (k, c, id) -> k.shm().shmRmid(c, id));

    /** msgctl/shmctl ID CMD [k=v ...]. */
    private static Call ctl(Args a, List<String> keys, Ctl ops) {
        a.keys(keys.toArray(String[]::new));
        int id = a.intNum(0);
        int cmd = (int) a.flags(1, COMMANDS);
        a.done();
        return ctlCall(cmd, values(a), id, ops);
    }

    private static Call ctlCall(int cmd, Map<String, Long> values, int id, Ctl ops) {
        if (cmd != IPC_SET && !values.isEmpty()) throw Errno.EINVAL.error();
        return switch (cmd) {
            case IPC_STAT -> (k, c) -> SyscallResult.ok(0, ops.stat().run(k, c, id));
            case IPC_SET -> (k, c) -> {
                ops.set().run(k, c, id, values, restoreRequested(c));
                return SyscallResult.ok(0);
            };
            case IPC_RMID -> (k, c) -> {
                ops.rmid().run(k, c, id);
                return SyscallResult.ok(0);
            };
            default -> (k, c) -> SyscallResult.fail(Errno.EINVAL);
        };
    }

    /**
     * IPC_SET consumes next_syscall_data; {@code LONG1 <nonzero>} asks it to restore the time and
     * pid fields too (the seed patch). Any other count is EINVAL.
     */
    private static boolean restoreRequested(Task c) {
        NextSyscallData d = c.takeNextSyscallData();
        if (d == null) return false;
        if (d.count() != 1) throw Errno.EINVAL.error();
        return d.value(0) != 0;
    }

    private static Map<String, Long> values(Args a) {
        Map<String, Long> v = new HashMap<>();
        a.keyed().forEach((key, text) -> v.put(key, Strtol.parse(text)));
        return v;
    }

    /** IPC_STAT's reply words for a message queue: {@link #MSG_KEYS}. */
    private static String words(MsqidDs d) {
        return perm(d.perm(), "msqid") + " cbytes=" + d.cbytes() + " qnum=" + d.qnum() + " lspid=" + d.lspid()
                + " lrpid=" + d.lrpid() + owners(d.perm()) + " stime=" + d.stime() + " rtime=" + d.rtime()
                + " ctime=" + d.ctime() + " qbytes=" + d.qbytes();
    }

    /** {@link #SEM_KEYS}. */
    private static String words(SemidDs d) {
        return perm(d.perm(), "semid") + " nsems=" + d.nsems() + owners(d.perm()) + " otime=" + d.otime()
                + " ctime=" + d.ctime();
    }

    /** {@link #SHM_KEYS}. */
    private static String words(ShmidDs d) {
        return perm(d.perm(), "shmid") + " size=" + Long.toUnsignedString(d.segsz()) + " cpid=" + d.cpid()
                + " lpid=" + d.lpid() + " nattch=" + d.nattch() + owners(d.perm()) + " atime=" + d.atime()
                + " dtime=" + d.dtime() + " ctime=" + d.ctime();
    }

    private static String perm(Ipc64Perm p, String idKey) {
        return " key=" + p.key() + " " + idKey + "=" + p.id() + " perms=0" + Integer.toOctalString(p.mode());
    }

    private static String owners(Ipc64Perm p) {
        return " uid=" + Integer.toUnsignedString(p.uid()) + " gid=" + Integer.toUnsignedString(p.gid())
                + " cuid=" + Integer.toUnsignedString(p.cuid()) + " cgid=" + Integer.toUnsignedString(p.cgid());
    }

    /** semctl ID SEMNUM CMD [ARG | k=v ...]. */
    private static Call semctl(Args a) {
        a.keys(SEM_KEYS.toArray(String[]::new));
        int id = a.intNum(0);
        int semnum = a.intNum(1);
        int cmd = (int) a.flags(2, COMMANDS);
        String arg = a.has(3) ? a.word(3) : null;
        a.done();
        Map<String, Long> values = values(a);
        switch (cmd) {
            case GETVAL, GETPID, GETNCNT, GETZCNT:
                if (arg != null || !values.isEmpty()) throw Errno.EINVAL.error();
                return (k, c) -> SyscallResult.ok(k.sem().semGet(c, id, semnum, cmd));
            case GETALL:
                if (arg != null || !values.isEmpty()) throw Errno.EINVAL.error();
                return (k, c) -> {
                    int[] v = k.sem().semGetAll(c, id);
                    StringBuilder b = new StringBuilder(" values=");
                    for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(v[i]);
                    return SyscallResult.ok(0, b.toString());
                };
            case SETVAL:
                if (arg == null || !values.isEmpty()) throw Errno.EINVAL.error();
                int val = Strtol.parseInt(arg);
                return (k, c) -> {
                    k.sem().setval(c, id, semnum, val);
                    return SyscallResult.ok(0);
                };
            case SETALL:
                if (arg == null || !values.isEmpty()) throw Errno.EINVAL.error();
                int[] all = Args.intList(arg);
                return (k, c) -> {
                    k.sem().setall(c, id, all);
                    return SyscallResult.ok(0);
                };
            default:
                if (arg != null) throw Errno.EINVAL.error();
                return ctlCall(cmd, values, id, SEMCTL);
        }
    }
}
