package procsim.procfs.write;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcHandle;
import procsim.procfs.ProcHandle.IoctlReply;
import procsim.procfs.RenderedHandle;
import procsim.procfs.Viewer;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * One open of {@code procsim/syscall}, the caller's own syscall file: each write is one syscall of
 * the sim thread the writing real thread acts as, resolved per request as {@code thread-self} is,
 * so one open file serves every thread and every forked child that inherits it; a read gives the
 * reader's own thread's last reply. A line {@code attach PID} binds the calling real process to
 * its sim thread's fresh child process PID ({@link ProcFs#bindToOwnChild}); a line
 * {@code bind HOSTPID LINE} makes the fork LINE and binds the caller's real child HOSTPID to the
 * child it made ({@link ProcFs#forkBound}). A caller with no live sim thread (the operator, a
 * powerless caller) gets ESRCH.
 * Deviation: no Linux file; procsim's one-request binds of a forked child.
 */
public final class OwnSyscallFile implements ProcHandle {
    private static final Pattern BLANKS = Pattern.compile("[ \t\n]+");
    private final ProcFs fs;
    // the offset of the reply, as in SyscallFile, kept for the thread that wrote last
    private Task writer;
    private boolean replyPending;
    private Task based;
    private long replyBase;

    public OwnSyscallFile(ProcFs fs) {
        this.fs = fs;
    }

    @Override
    public int write(Caller caller, byte[] data, long offset) {
        call(caller, data);
        return data.length;
    }

    /** {@link SyscallIoctl}: the line and the reply of this call, in one request. */
    @Override
    public IoctlReply ioctl(Caller caller, int cmd, byte[] arg) {
        return SyscallIoctl.reply(call(caller, SyscallIoctl.line(cmd, arg)));
    }

    /** The line {@code data} made; returns its reply, or throws its errno. */
    private String call(Caller caller, byte[] data) {
        String line = new String(data, StandardCharsets.UTF_8).strip();
        if (line.startsWith("attach") || line.startsWith("bind")) { // only then split: every other line is the kernel's to decode
            String[] words = BLANKS.split(line, 3);
            if (words[0].equals("attach")) {
                if (words.length != 2) throw Errno.EINVAL.error();
                Task bound = fs.bindToOwnChild(caller, words[1]);
                pending(bound);
                return fs.lastReplies().of(bound);
            }
            if (words[0].equals("bind")) {
                if (words.length != 3) throw Errno.EINVAL.error();
                Task task = current(fs.writerOf(caller));
                return replied(task, fs.forkBound(caller, task, words[1], words[2]));
            }
        }
        Task task = current(fs.writerOf(caller));
        return replied(task, SyscallFile.perform(fs.kernel(), task, data, caller, fs.lastReplies()));
    }

    /** {@code task}'s syscall made, with result {@code r}: its reply, or its errno thrown. */
    private String replied(Task task, SyscallResult r) {
        pending(task);
        if (r.failed()) throw new SysError(r.errno());
        return r.text();
    }

    private synchronized void pending(Task task) {
        writer = task;
        replyPending = true;
    }

    @Override
    public byte[] read(Caller caller, long offset, int size) {
        Task task = current(fs.viewerOf(caller));
        long base;
        synchronized (this) {
            if (replyPending && writer == task) {
                replyPending = false;
                replyBase = offset;
            } else if (offset == 0 || based != task) {
                replyBase = 0;
            }
            based = task;
            base = replyBase;
        }
        byte[] reply = (fs.lastReplies().of(task) + "\n").getBytes(StandardCharsets.UTF_8);
        return RenderedHandle.slice(reply, offset - base, size);
    }

    private static Task current(Viewer v) {
        if (v.task() == null) throw Errno.ESRCH.error();
        return v.task();
    }
}
