package procsim.ipc;

import java.util.ArrayList;
import java.util.List;

import procsim.pid.PidNamespace;

/** A message queue ({@code struct msg_queue}, ipc/msg.c). */
public final class MsgQueue extends KernIpcPerm {
    /** One queued message. */
    public record Message(long mtype, String text) {
        public int size() {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
    }

    final List<Message> messages = new ArrayList<>();
    long stime;
    long rtime;
    long ctime;
    long cbytes;
    long qbytes;
    IpcPid lspid = IpcPid.NONE;
    IpcPid lrpid = IpcPid.NONE;

    public long stime() {
        return stime;
    }

    public long rtime() {
        return rtime;
    }

    public long ctime() {
        return ctime;
    }

    public long cbytes() {
        return cbytes;
    }

    public long qnum() {
        return messages.size();
    }

    public long qbytes() {
        return qbytes;
    }

    public IpcPid lspid() {
        return lspid;
    }

    public IpcPid lrpid() {
        return lrpid;
    }

    /** IPC_STAT's copy (msgctl_stat), the pids as {@code viewer} sees them. */
    public MsqidDs stat(PidNamespace viewer) {
        return new MsqidDs(Ipc64Perm.of(this), stime, rtime, ctime, cbytes, qnum(), qbytes, lspid.nr(viewer),
                lrpid.nr(viewer));
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }
}
