package procsim.ipc;

import static procsim.abi.IpcFlags.*;
import static procsim.ipc.IpcUtil.*;

import java.util.List;
import java.util.Map;

import procsim.abi.Capability;
import procsim.abi.Errno;

/**
 * SysV message queues (ipc/msg.c): msgget, msgsnd, msgrcv and msgctl's IPC_STAT, IPC_SET (with
 * {@code LONG1 1}: the seed patch's restore of times and pids) and IPC_RMID.
 * Callers hold the kernel's write lock.
 */
public final class Msg {
    private final IpcUtil util;

    public Msg(IpcUtil util) {
        this.util = util;
    }

    public int msgget(IpcCaller t, int key, int flags) {
        IpcNamespace ns = t.ipcNs();
        return ipcget(t, ns.msg, key, flags, IpcNamespace.MSGMNI, () -> {
            MsgQueue q = new MsgQueue();
            q.ctime = util.now();
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
            if (util.await(t, q)) throw Errno.EINTR.error(); // do_msgsnd: signal_pending before it tries again
        }
        q.messages.add(m);
        q.cbytes += m.size();
        q.lspid = IpcPid.of(t.tgidPid());
        q.stime = util.now();
        util.wake();
    }

    /** msgrcv: the received message, whose length is the return value. */
    public MsgQueue.Message msgrcv(IpcCaller t, int id, long mtype, int flags) throws InterruptedException {
        if (id < 0) throw Errno.EINVAL.error();
        if ((flags & MSG_COPY) != 0 && ((flags & IPC_NOWAIT) == 0 || (flags & MSG_EXCEPT) != 0)) throw Errno.EINVAL.error();
        MsgQueue q = t.ipcNs().msg.check(id);
        boolean interrupted = false; // a handler took a signal as it slept: what it finds now, or EINTR
        while (true) {
            checkPerm(t, q, 0444);
            int at = find(q, mtype, flags);
            if (at >= 0) {
                MsgQueue.Message m = q.messages.get(at);
                if (m.size() > IpcNamespace.MSGMAX && (flags & MSG_NOERROR) == 0) throw Errno.E2BIG.error();
                if ((flags & MSG_COPY) != 0) return m;
                q.messages.remove(at);
                q.cbytes -= m.size();
                q.rtime = util.now();
                q.lrpid = IpcPid.of(t.tgidPid());
                util.wake();
                return m;
            }
            if ((flags & IPC_NOWAIT) != 0) throw Errno.ENOMSG.error();
            if (interrupted) throw Errno.EINTR.error();
            interrupted = util.await(t, q);
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
        MsgQueue q = obtain(t, t.ipcNs().msg, id, 0444);
        return q.stat(t.activePidNs());
    }

    /**
     * msgctl IPC_SET: uid, gid, the low 9 mode bits and qbytes (above msgmnb needs
     * CAP_SYS_RESOURCE), ctime = now; with {@code restore} (LONG1 1) also stime, rtime, ctime,
     * lspid and lrpid from the values given. Keys not given keep their value.
     */
    public void msgSet(IpcCaller t, int id, Map<String, Long> v, boolean restore) {
        MsgQueue q = obtainOwned(t, t.ipcNs().msg, id);
        long qbytes = v.getOrDefault("qbytes", q.qbytes);
        // msgctl_down: above msgmnb needs CAP_SYS_RESOURCE, whatever the queue's current qbytes
        if (qbytes > IpcNamespace.MSGMNB && !t.capable(Capability.CAP_SYS_RESOURCE)) {
            throw Errno.EPERM.error();
        }
        IpcPid lspid = restoredPid(t, v, restore, "lspid", q.lspid);
        IpcPid lrpid = restoredPid(t, v, restore, "lrpid", q.lrpid);
        updatePerm(q, v);
        q.qbytes = qbytes;
        q.ctime = util.now();
        if (restore) {
            q.stime = v.getOrDefault("stime", q.stime);
            q.rtime = v.getOrDefault("rtime", q.rtime);
            q.ctime = v.getOrDefault("ctime", q.ctime);
            q.lspid = lspid;
            q.lrpid = lrpid;
        }
    }

    public void msgRmid(IpcCaller t, int id) {
        MsgQueue q = obtainOwned(t, t.ipcNs().msg, id);
        t.ipcNs().msg.remove(q);
        util.wake();
    }
}
