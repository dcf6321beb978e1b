package procsim.abi;

/**
 * A syscall's failure: the errno a real kernel would return. Unchecked and without a stack trace,
 * since it is control flow (an EEXIST is an answer, not a bug) and is thrown on hot paths.
 */
public final class SysError extends RuntimeException {
    private final Errno errno;

    public SysError(Errno errno) {
        super(errno.name(), null, false, false);
        this.errno = errno;
    }

    public SysError(Errno errno, String detail) {
        super(errno.name() + ": " + detail, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
