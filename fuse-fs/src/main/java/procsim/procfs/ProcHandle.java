package procsim.procfs;

/**
 * One open file of the proc tree (one FUSE file handle). The syscall file keeps per-open state:
 * its read gives the result of the last syscall written through this handle.
 */
public interface ProcHandle {
    /** Up to {@code size} bytes from {@code offset}; empty at EOF. */
    byte[] read(Caller caller, long offset, int size);

    /** Returns the number of bytes taken. */
    int write(Caller caller, byte[] data, long offset);

    /** The last close; comes asynchronously, without a caller. */
    default void release() {
    }
}
