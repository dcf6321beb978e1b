package procsim.race;

import java.io.IOException;

/**
 * What one race task does to the kernel, as one thread: the port {@link RaceTask}'s protocol runs
 * against. Two implementations: {@link KernelPort}, one in-process kernel (the replay), and the
 * live run's mount files ({@code procsim.race.live.MountPort}: its own {@code syscall},
 * {@code next_syscall_data} and the namespace's {@code ns_last_pid}, each kept open).
 */
public interface RestorerPort {
    /**
     * A syscall's reply: its value, or the errno name of a failure; {@code text} as the syscall
     * file reads it ({@code 1000 status=0x0009}, {@code -1 EEXIST}), null when it was not read.
     */
    record Reply(long value, String errno, String text) {
        public boolean failed() {
            return errno != null;
        }
    }

    /** Writes {@code text} to the task's namespace's ns_last_pid; null, or the errno name of a failure. */
    String writeNsLastPid(String text) throws IOException;

    /** Writes {@code text} to the task's own next_syscall_data; null, or the errno name of a failure. */
    String writeNextSyscallData(String text) throws IOException;

    /**
     * Pauses {@code micros} microseconds between a write and the fork it prepares (a plan's gap).
     * The replay has no clock and does not take a gap.
     */
    default void pause(int micros) {
        throw new UnsupportedOperationException("this port has no clock");
    }

    /** Makes the syscall {@code line} and reads its reply. */
    Reply call(String line) throws IOException;

    /**
     * Makes the syscall {@code line} when only its failure matters (the kill and wait4 of a reap):
     * the mount's port writes it without reading the reply (one FUSE request fewer).
     */
    default Reply send(String line) throws IOException {
        return call(line);
    }
}
