package procsim.attach;

/**
 * What a host thread is doing while its FUSE request is served: FUSE sends the same READLINK
 * for readlink(2) and for a path walk that follows the link (open, stat, utimensat, ...), and
 * only the caller's syscall tells them apart.
 */
public interface HostSyscalls {
    /** Whether host thread {@code tid} is blocked in readlink(2) or readlinkat(2); false when unsure. */
    boolean inReadlink(int tid);
}
