package procsim.procfs.write;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

import procsim.abi.Errno;
import procsim.abi.SysError;
import procsim.procfs.Caller;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcHandle;
import procsim.procfs.RenderedHandle;
import procsim.procfs.Viewer;
import procsim.syscall.SyscallResult;
import procsim.task.Task;

/**
 * One open of {@code procsim/syscall}, the caller's own syscall file: each write is one syscall of
 * the sim thread the writing real thread acts as, resolved per request as {@code thread-self} is,
 * so one open file serves every thread and every forked child that inherits it; a read gives the
 * reader's own thread's last reply. A line {@code attach PID} binds the calling real process to
 * its sim thread's fresh child process PID ({@link ProcFs#bindToOwnChild}). A caller with no live
 * sim thread (the operator, a powerless caller) gets ESRCH.
 * Deviation: no Linux file; procsim's one-request bind for a forked child.
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
        String line = new String(data, StandardCharsets.UTF_8).strip();
        if (line.startsWith("attach")) { // only then split: every other line is the kernel's to decode
            String[] words = BLANKS.split(line);
            if (words[0].equals("attach")) {
                if (words.length != 2) throw Errno.EINVAL.error();
                pending(fs.bindToOwnChild(caller, words[1]));
                return data.length;
            }
        }
        Task task = current(fs.writerOf(caller));
        SyscallResult r = SyscallFile.perform(fs.kernel(), task, data, caller, fs.lastReplies());
        pending(task);
        if (r.failed()) throw new SysError(r.errno());
        return data.length;
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
