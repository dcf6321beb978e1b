package procsim.ipc;

import java.util.ArrayList;
import java.util.List;

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

    public List<Message> messages() {
        return List.copyOf(messages);
    }
}
