package procsim.syscall;

import procsim.abi.Errno;

/**
 * A syscall's outcome, rendered exactly as the syscall file reads it: {@code 500},
 * {@code 301 status=0x0000}, or {@code -1 EEXIST}.
 */
public record SyscallResult(long value, Errno errno, String data) {
    public static SyscallResult ok(long value) {
        return new SyscallResult(value, null, "");
    }

    /** A success with {@code key=value} pairs; {@code data} starts with a space. */
    public static SyscallResult ok(long value, String data) {
        return new SyscallResult(value, null, data);
    }

    public static SyscallResult fail(Errno errno) {
        return new SyscallResult(-1, errno, "");
    }

    public boolean failed() {
        return errno != null;
    }

    /** The syscall file's text, without the newline. */
    public String text() {
        return errno != null ? "-1 " + errno.name() : value + data;
    }

    @Override
    public String toString() {
        return text();
    }
}
