package procsim.procfs;

import procsim.abi.Errno;

/**
 * One open file of the proc tree (one FUSE file handle). The syscall file keeps per-open state:
 * its read gives the result of the last syscall written through this handle.
 */
public interface ProcHandle {
    /** Up to {@code size} bytes from {@code offset}; empty at EOF. */
    byte[] read(Caller caller, long offset, int size);

    /** Returns the number of bytes taken. */
    int write(Caller caller, byte[] data, long offset);

    /** ioctl(2) with no argument data; returns its result. A file without one: ENOTTY (vfs_ioctl). */
    default int ioctl(Caller caller, int cmd) {
        throw Errno.ENOTTY.error();
    }

    /**
     * ioctl(2) whose argument carries {@code arg} in (empty if the command carries nothing in):
     * its result and the bytes it gives back. By default, the command without data.
     */
    default IoctlReply ioctl(Caller caller, int cmd, byte[] arg) {
        return new IoctlReply(ioctl(caller, cmd), IoctlReply.NO_DATA);
    }

    /** An ioctl's result and the bytes it copies back to the caller's argument. */
    record IoctlReply(int result, byte[] data) {
        public static final byte[] NO_DATA = {};
    }

    /** The last close; comes asynchronously, without a caller. */
    default void release() {
    }
}
