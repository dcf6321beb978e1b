package procsim.abi;

/**
 * Linux x86-64 errno values with their strerror text, as include/uapi/asm-generic/errno-base.h
 * and errno.h number them. The text is glibc's, so a failed write in bash reads the same as on
 * a real kernel ("write error: Device or resource busy").
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    E2BIG(7, "Argument list too long"),
    EBADF(9, "Bad file descriptor"),
    ECHILD(10, "No child processes"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ESPIPE(29, "Illegal seek"),
    EROFS(30, "Read-only file system"),
    ERANGE(34, "Numerical result out of range"),
    ENAMETOOLONG(36, "File name too long"),
    ENOSYS(38, "Function not implemented"),
    ENOTEMPTY(39, "Directory not empty"),
    ENOMSG(42, "No message of desired type"),
    EIDRM(43, "Identifier removed"),
    EOPNOTSUPP(95, "Operation not supported");

    private final int number;
    private final String text;

    Errno(int number, String text) {
        this.number = number;
        this.text = text;
    }

    /** The positive errno number; a syscall returns its negation. */
    public int number() {
        return number;
    }

    /** strerror(3) text. */
    public String text() {
        return text;
    }

    /** Throws this errno as a {@link SysError}; typed to fit in expression position. */
    public <T> T fail() {
        throw new SysError(this);
    }

    public SysError error() {
        return new SysError(this);
    }
}
