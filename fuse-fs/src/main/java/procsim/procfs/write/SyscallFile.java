package procsim.procfs.write;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.kernel.Kernel;
import procsim.procfs.Caller;
import procsim.procfs.LastReplies;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcHandle.IoctlReply;
import procsim.procfs.Viewer;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * One open of {@code task/<tid>/syscall}: a write is one syscall made by that sim thread; a read
 * gives the result of the last syscall made through this open file (else the thread's last
 * result). After a write, the reply is served from whatever offset the next read asks (bash
 * reads at the offset where its write ended), then EOF.
 */
public final class SyscallFile implements ProcHandle {
    private final Kernel kernel;
    private final Task task;
    private final Function<Caller, Viewer> viewers;
    private final LastReplies replies;
    private SyscallResult last;
    private boolean replyPending;
    private long replyBase;
    private byte[] reply;

    public SyscallFile(Kernel kernel, Task task, Function<Caller, Viewer> viewers, LastReplies replies) {
        this.kernel = kernel;
        this.task = task;
        this.viewers = viewers;
        this.replies = replies;
    }

    @Override
    public int write(Caller caller, byte[] data, long offset) {
        call(caller, data);
        return data.length;
    }

    /** {@link SyscallIoctl}: the line and the reply of this call, in one request. */
    @Override
    public IoctlReply ioctl(Caller caller, int cmd, byte[] arg) {
        return SyscallIoctl.reply(call(caller, SyscallIoctl.line(cmd, arg)).text());
    }

    /** The line {@code data} made as the thread's syscall, kept as this file's reply; throws its errno if it failed. */
    private SyscallResult call(Caller caller, byte[] data) {
        Viewer v = viewers.apply(caller);
        if (!v.isOperator() && v.task() != task) throw Errno.EPERM.error();
        SyscallResult r;
        try {
            r = perform(kernel, task, data, caller, replies);
        } catch (SysError e) {
            synchronized (this) { // the thread is untouched, but this file's reply is the failure
                last = SyscallResult.fail(e.errno());
                replyPending = true;
            }
            throw e;
        }
        synchronized (this) {
            last = r;
            replyPending = true;
        }
        if (r.failed()) throw new SysError(r.errno());
        return r;
    }

    /**
     * The line {@code data} made as one syscall of {@code task}, its result recorded as the
     * thread's last reply; a line that does not decode throws its SysError (EINVAL) and changes nothing.
     */
    static SyscallResult perform(Kernel kernel, Task task, byte[] data, Caller caller, LastReplies replies) {
        return replies.syscall(task, kernel.decode(new String(data, StandardCharsets.UTF_8)), caller.interrupted());
    }

    @Override
    public synchronized byte[] read(Caller caller, long offset, int size) {
        if (replyPending) {
            replyPending = false;
            replyBase = offset;
            reply = null;
        } else if (offset == 0) {
            replyBase = 0; // a read from the start (cat, or a seek back) renders afresh
            reply = null;
        }
        if (reply == null) {
            String text = last != null ? last.text() : replies.of(task);
            reply = (text + "\n").getBytes(StandardCharsets.UTF_8);
        }
        long rel = offset - replyBase;
        if (rel < 0 || rel >= reply.length) return new byte[0];
        return Arrays.copyOfRange(reply, (int) rel, (int) Math.min(reply.length, rel + size));
    }
}
