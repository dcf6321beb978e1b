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

    /** ioctl(2) with no argument; returns its result. A file without one: ENOTTY (vfs_ioctl). */
    default int ioctl(Caller caller, int cmd) {
        throw Errno.ENOTTY.error();
    }

    /** The last close; comes asynchronously, without a caller. */
    default void release() {
    }
}
