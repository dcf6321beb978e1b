package procsim.procfs;

import java.util.function.BooleanSupplier;

/**
 * Who made a filesystem request: the real (host) thread id and credentials FUSE reports, whether
 * the request has been interrupted (the caller got a signal while a syscall it wrote was blocked),
 * so that a blocked sim syscall can end with EINTR, and whether the caller is in readlink(2) or
 * readlinkat(2), as opposed to a path walk that would follow a link to where it points.
 */
public record Caller(int hostTid, int uid, int gid, BooleanSupplier interrupted, BooleanSupplier readingLink) {
    private static final BooleanSupplier NEVER = () -> false;
    private static final BooleanSupplier ALWAYS = () -> true;

    /** A caller whose syscall is not known: it never gets the target of a link to a host path. */
    public Caller(int hostTid, int uid, int gid, BooleanSupplier interrupted) {
        this(hostTid, uid, gid, interrupted, NEVER);
    }

    /** An in-process caller (tests, the warm-up): never interrupted, and it reads links as readlink(2) does. */
    public Caller(int hostTid, int uid, int gid) {
        this(hostTid, uid, gid, NEVER, ALWAYS);
    }
}
