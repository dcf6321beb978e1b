package procsim.race.live;

import java.io.IOException;

import procsim.race.RestorerPort;

/**
 * The restorer port of one attached thread through the mount's files, each kept open: its own
 * {@code syscall} file, the namespace's {@code sys/kernel/ns_last_pid} and its own
 * {@code next_syscall_data}. A reap's kill and wait4 are written without reading the reply.
 */
final class MountPort implements RestorerPort {
    private final ProcFile syscall;
    private final ProcFile nsLastPid;
    private final ProcFile nextSyscallData;

    MountPort(ProcFile syscall, ProcFile nsLastPid, ProcFile nextSyscallData) {
        this.syscall = syscall;
        this.nsLastPid = nsLastPid;
        this.nextSyscallData = nextSyscallData;
    }

    @Override
    public String writeNsLastPid(String text) {
        return nsLastPid.write(text);
    }

    @Override
    public String writeNextSyscallData(String text) {
        return nextSyscallData.write(text);
    }

    /** As nanosleep(2) would: at least that long, more by the host's timer slack (about 50 us). */
    @Override
    public void pause(int micros) {
        java.util.concurrent.locks.LockSupport.parkNanos(micros * 1000L);
    }

    @Override
    public Reply call(String line) throws IOException {
        return syscall.call(line);
    }

    @Override
    public Reply send(String line) {
        String errno = syscall.write(line + "\n");
        return new Reply(errno == null ? 0 : -1, errno, null);
    }
}
