package procsim.race.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.locks.LockSupport;

import procsim.race.TaskPort;
import procsim.restorer.ProcFile;
import procsim.restorer.Reply;

/**
 * The port of one attached thread through the mount's files, each kept open: its own
 * {@code syscall} file, the namespace's {@code sys/kernel/ns_last_pid} (the attached thread sees
 * its own namespace's) and its own {@code next_syscall_data}. A reap's kill and wait4 are written
 * without reading the reply. A failed read of a reply is the mount's failure, not a syscall's: it
 * is thrown (UncheckedIOException) and ends the worker.
 */
final class AttachedPort implements TaskPort {
    private final int pid;
    private final int nsInit;
    private final ProcFile syscall;
    private final ProcFile nsLastPid;
    private final ProcFile nextSyscallData;

    /** Root pid {@code pid} of the namespace whose init is root pid {@code nsInit}, through its open files. */
    AttachedPort(int pid, int nsInit, ProcFile syscall, ProcFile nsLastPid, ProcFile nextSyscallData) {
        this.pid = pid;
        this.nsInit = nsInit;
        this.syscall = syscall;
        this.nsLastPid = nsLastPid;
        this.nextSyscallData = nextSyscallData;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public int nsInit() {
        return nsInit;
    }

    @Override
    public Reply writeNsLastPid(int nsInit, long value) {
        return Reply.written(nsLastPid.write(value + "\n"));
    }

    @Override
    public Reply writeNextSyscallData(int pid, int tid, String text) {
        return Reply.written(nextSyscallData.write(text + "\n"));
    }

    /** As nanosleep(2) would: at least that long, more by the host's timer slack (about 50 us). */
    @Override
    public void pause(int micros) {
        LockSupport.parkNanos(micros * 1000L);
    }

    @Override
    public Reply call(int pid, int tid, String line, long expect) {
        try {
            return syscall.call(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Reply send(int pid, int tid, String line) {
        try {
            return syscall.send(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
